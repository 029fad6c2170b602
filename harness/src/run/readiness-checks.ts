/**
 * A scenario's `environment.overrides.readiness_checks` beyond the readiness record: `ssh-ready` asks the
 * guest over SSH whether its boot has finished (`systemctl is-system-running --wait`: `running`, or
 * `degraded` when a unit failed — a designed failure may need that), before the first step runs.
 */
import type { ScenarioMachine } from "../steps/verbs.js";

export const SSH_READY_COMMAND = "systemctl is-system-running --wait";

/** Pure: whether `systemctl is-system-running --wait` output means the boot is done. */
export function bootFinished(stdout: string): { ok: boolean; state: string } {
  const state = stdout.trim().split("\n").pop()?.trim() ?? "";
  return { ok: state === "running" || state === "degraded", state: state || "(no output)" };
}

/** Runs the checks the scenario asked for; returns a failure message, or undefined when all passed. */
export async function confirmReadiness(
  vm: ScenarioMachine,
  checks: readonly string[],
  timeoutMs: number,
): Promise<string | undefined> {
  if (!checks.includes("ssh-ready")) return undefined;
  const r = await vm.exec(SSH_READY_COMMAND, { timeoutMs });
  const verdict = bootFinished(r.stdout);
  if (r.timedOut) return `readiness check ssh-ready: the guest's boot did not finish within ${timeoutMs} ms`;
  return verdict.ok
    ? undefined
    : `readiness check ssh-ready: systemctl is-system-running says ${verdict.state}, not running or degraded`;
}
