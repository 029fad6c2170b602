/**
 * A VM kept for debugging (`run --debug`, `machine boot --debug`) is marked in its run record: a
 * `retained.json` next to `owner.json` in `<state>/runs/<run>/`, saying when it was kept and how to reach
 * it. The orphan sweep never removes a retained run (its owner process is gone by design); only
 * `core-ops-verify machine destroy <run>` or `machine sweep --retained` does (README.md "Debugging a failed scenario").
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { AccessInfo } from "../machine.js";

export const RETAINED_FILE = "retained.json";

export const RetainedSchema = z
  .object({
    run_id: z.string().min(1),
    domain: z.string().min(1),
    retained_at: z.string(),
    /** The ssh command line that reaches the guest (key and known_hosts stay in the run directory). */
    ssh: z.string(),
    virsh_console: z.string(),
    console_path: z.string(),
  })
  .strict();
export type Retained = z.infer<typeof RetainedSchema>;

export function markRetained(runDir: string, record: Retained): void {
  writeFileSync(join(runDir, RETAINED_FILE), `${JSON.stringify(RetainedSchema.parse(record), null, 2)}\n`, {
    mode: 0o644,
  });
}

/** The retained mark of a run directory; undefined when the run was not retained (or the file is unreadable). */
export function readRetained(runDir: string): Retained | undefined {
  try {
    const parsed = RetainedSchema.safeParse(JSON.parse(readFileSync(join(runDir, RETAINED_FILE), "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a teardown with `retain` does instead of removing anything: `access.txt` in the caller's run
 * directory, the retained mark in the machine's run directory, and one log line saying how to remove it.
 * Never throws: returns what failed.
 */
export function keepForDebugging(
  accessInfo: () => AccessInfo,
  o: { runDir: string; filesDir: string; runId: string; domain: string; log: (line: string) => void },
): string[] {
  try {
    const access = accessInfo();
    writeFileSync(
      join(o.runDir, "access.txt"),
      `${access.ssh}\n${access.virshConsole}\n${access.consolePath}\n`,
    );
    markRetained(o.filesDir, {
      run_id: o.runId,
      domain: o.domain,
      retained_at: new Date().toISOString(),
      ssh: access.ssh,
      virsh_console: access.virshConsole,
      console_path: access.consolePath,
    });
    o.log(`${o.domain} retained for debugging: ${access.ssh} (remove it with ${access.destroy})`);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
