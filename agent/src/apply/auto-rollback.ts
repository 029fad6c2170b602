/**
 * Automatic rollback, opt-in (`CORE_OPS_AUTO_ROLLBACK=true` in the agent's drop-in; README "Automatic
 * rollback"): after the agent's apply ends `non_converging`, apply the retained snapshot of the last
 * applied revision through the same `runApply` an operator's `apply --rollback-to` uses, so the host
 * returns to what last converged and the agent then holds the failed commit. The failure record (and the
 * quarantine it carries) is kept; the hold records `trigger: auto_rollback`.
 */
import { CoreOpsError, ExitCode } from "../errors.js";
import { fromSnapshot } from "../state/snapshot-desired.js";
import { findRollbackTarget, snapshotsPathFor } from "../state/snapshots.js";
import { readStatus } from "../state/status.js";
import type { ApplyRunRequest, ApplyRunResult } from "./run-apply.js";

/** `CORE_OPS_AUTO_ROLLBACK`: `true` enables it; unset, empty or `false` leave it off; anything else is a usage error. */
export function autoRollbackEnabled(env: NodeJS.ProcessEnv): boolean {
  const raw = env.CORE_OPS_AUTO_ROLLBACK?.trim();
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  throw new CoreOpsError(`CORE_OPS_AUTO_ROLLBACK must be 'true' or 'false', got '${raw}'`, {
    code: "auto_rollback_invalid",
    field: "CORE_OPS_AUTO_ROLLBACK",
    exitCode: ExitCode.usage,
    hint: "set CORE_OPS_AUTO_ROLLBACK=true in the agent's drop-in to roll back non-converging applies",
  });
}

export type AutoRollback =
  | { kind: "applied"; revision: string; result: ApplyRunResult }
  | { kind: "skipped"; reason: string };

/** What the agent's own apply used; desired, status, rollback and notes come from the state. */
export type RollbackBase = Omit<ApplyRunRequest, "desired" | "status" | "rollback" | "notes" | "stateMode">;

export async function autoRollback(
  base: RollbackBase & { stateFile: string; host: string },
  run: (req: ApplyRunRequest) => Promise<ApplyRunResult>,
): Promise<AutoRollback> {
  const read = await readStatus(base.stateFile);
  if (read.kind !== "ok") return { kind: "skipped", reason: "no readable state to roll back with" };
  const target = read.status.reconciliation.last_applied_revision;
  const failed = read.status.reconciliation.last_attempted_revision;
  if (target === null)
    return { kind: "skipped", reason: "nothing was applied before: no snapshot to roll back to" };
  if (target === failed)
    return { kind: "skipped", reason: `${target.slice(0, 8)} is the failed revision itself` };
  const { snapshot, content } = findRollbackTarget(snapshotsPathFor(base.stateFile), target, base.host);
  const result = await run({
    ...base,
    desired: fromSnapshot(snapshot, content),
    stateMode: "tracked",
    status: read.status,
    // Returning to the recorded last-applied state may remove everything the failed release added.
    allowMassDelete: true,
    rollback: { revision: snapshot.revision, auto: true },
    notes: [
      `automatic rollback (CORE_OPS_AUTO_ROLLBACK=true) to ${snapshot.revision.slice(0, 8)} after ${failed?.slice(0, 8) ?? "the tracked ref"} ended non_converging`,
    ],
  });
  return { kind: "applied", revision: snapshot.revision, result };
}
