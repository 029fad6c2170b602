/**
 * What to fetch from the guest when a scenario did not pass: `journalctl -b`, `systemctl --failed`, the
 * agent's status.json, listings of the managed directories, and status/journal of every unit named in
 * the output of failing steps. When the run rebooted the guest, the journal of every earlier boot too (the
 * guest image keeps a persistent journal), since the cause of a failure after a reboot is often in the
 * boot before it. Each item is collected on its own; a failure of one is recorded, not fatal.
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

/** A boot of `journalctl --list-boots`: its offset (0 = current, -1 = the one before, …) and boot id. */
export interface ListedBoot {
  offset: number;
  bootId: string;
}

/** Pure: the boots in `journalctl --list-boots` output (header and other lines ignored), oldest first. */
export function parseListBoots(text: string): ListedBoot[] {
  const boots: ListedBoot[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(-?\d+)\s+([0-9a-f]{32})\s/.exec(line);
    if (m) boots.push({ offset: Number(m[1]), bootId: m[2] as string });
  }
  return boots.sort((a, b) => a.offset - b.offset);
}

/** Whether a step rebooted the guest (then earlier boots' journals belong in the evidence). */
export function rebooted(steps: readonly StepResult[]): boolean {
  return steps.some((s) => s.step_type === "reboot" && s.status !== "skipped");
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
  if (rebooted(steps)) {
    const list = await capture(vm, "journalctl --list-boots --no-pager");
    files.push(f("guest-journal-boots", "guest-journal-boots.txt", list));
    const boots = typeof list === "string" ? parseListBoots(list) : [];
    for (const boot of boots.filter((b) => b.offset !== 0)) {
      files.push(
        f(
          `guest-journal-boot-${boot.bootId}`,
          `guest-journal-boot${boot.offset}-${boot.bootId.slice(0, 8)}.txt`,
          await capture(vm, `journalctl -b ${boot.bootId} --no-pager -o short-precise`),
        ),
      );
    }
  }
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
