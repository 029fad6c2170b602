/**
 * What to fetch from the guest when a scenario did not pass: `journalctl -b`, `systemctl --failed`, the
 * agent's status.json, listings of the managed directories, and status/journal of every unit named in
 * the output of failing steps. Each item is collected on its own; a failure of one is recorded, not fatal.
 */
import type { StepResult } from "../steps/result.js";
import type { ScenarioMachine } from "../steps/verbs.js";
import type { BundleFile } from "./writer.js";

export const MANAGED_DIRS = ["/etc/containers/systemd", "/etc/systemd/system", "/var/lib/core-ops"] as const;

const UNIT_NAME =
  /\b([A-Za-z0-9@_.\\-]+\.(?:service|socket|timer|mount|automount|path|target|container|volume|network))\b/g;

/** Unit names mentioned in the output of failing steps (sorted, unique, at most 8). */
export function unitsNamedIn(steps: readonly StepResult[]): string[] {
  const names = new Set<string>();
  for (const s of steps) {
    if (s.status === "passed") continue;
    for (const m of `${s.stdout}\n${s.stderr}`.matchAll(UNIT_NAME)) {
      const n = m[1] ?? "";
      names.add(n.replace(/\.container$/, ".service").replace(/\.(volume|network)$/, "-$1.service"));
    }
  }
  return [...names].sort().slice(0, 8);
}

async function capture(vm: ScenarioMachine, command: string): Promise<string | { error: string }> {
  try {
    const r = await vm.exec(command, { timeoutMs: 60_000 });
    return `$ ${command}\n# exit ${r.exitCode}${r.timedOut ? " (timed out)" : ""}\n${r.stdout}${r.stderr ? `\n# stderr\n${r.stderr}` : ""}`;
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export async function collectFailureEvidence(
  vm: ScenarioMachine,
  steps: readonly StepResult[],
  stateFile = "/var/lib/core-ops/status.json",
): Promise<BundleFile[]> {
  const f = (logicalName: string, relativePath: string, content: string | { error: string }): BundleFile => ({
    logicalName,
    relativePath,
    required: false,
    failureSpecific: true,
    content,
  });
  const files: BundleFile[] = [
    f("guest-journal", "guest-journal.txt", await capture(vm, "journalctl -b --no-pager -o short-precise")),
    f("systemctl-failed", "systemctl-failed.txt", await capture(vm, "systemctl --failed --no-pager --all")),
    f("coreops-status", "coreops-status.json", await capture(vm, `cat ${stateFile}`)),
    f(
      "managed-dirs",
      "managed-dirs.txt",
      await capture(vm, `ls -la --time-style=full-iso ${MANAGED_DIRS.join(" ")} 2>&1`),
    ),
  ];
  for (const unit of unitsNamedIn(steps)) {
    const safe = unit.replace(/[^A-Za-z0-9@_.-]/g, "_");
    files.push(
      f(
        `unit-status-${unit}`,
        `unit-status-${safe}.txt`,
        await capture(vm, `systemctl status --no-pager -l -- ${safe}`),
      ),
    );
    files.push(
      f(
        `unit-journal-${unit}`,
        `unit-journal-${safe}.txt`,
        await capture(vm, `journalctl -b --no-pager -u ${safe}`),
      ),
    );
  }
  return files;
}
