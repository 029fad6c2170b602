import type { ConvergenceStatus, ObjectFailure } from "../model/execution.js";
/**
 * Retry classification (ARCHITECTURE.md "Pipeline"). After each failed attempt the sequence of
 * failure signatures decides whether to keep going: the same signature twice in a row is a
 * `repeated_failure` (retrying changes nothing), A/B/A is an `oscillation` (the host flips between two
 * failure modes); both stop automatic progress. Pure logic, no effects.
 */

export const DEFAULT_RETRY_BUDGET = 3;

/** Reasons retrying cannot fix: the input or the host must change first. */
const BLOCKING = new Set([
  "busy_mount",
  "not_loaded",
  "mountpoint_invalid",
  "unknown_owner",
  "file_mismatch",
  "blocked_prerequisite",
]);

/**
 * Reasons that all mean "the unit is not up": a unit that crashes at once is seen as any of them depending
 * on the moment verification looks (container exited but unit still active, unit failed, restart job
 * failed), so the signature counts them as one class, `not_running`; the attempts keep the exact reasons.
 */
const NOT_RUNNING = new Set(["inactive", "unit_failed", "container_not_running", "activation_failed"]);

/** Stable signature of a set of failures: sorted `object=reason` pairs (`object=not_running` for that class). */
export function failureSignature(failures: readonly ObjectFailure[]): string {
  const cls = (r: string) => (NOT_RUNNING.has(r) ? "not_running" : r);
  return [...new Set(failures.map((f) => `${f.object}=${cls(f.reason)}`))].sort().join(";");
}

export type Verdict = { status: ConvergenceStatus; stop: boolean };

/**
 * Classifies the attempts so far. `signatures[i]` is attempt i+1's signature ("" = verified).
 * `budget` is the total number of attempts allowed.
 */
export function classifyAttempts(
  signatures: readonly string[],
  failures: readonly ObjectFailure[],
  budget: number,
  anyApplied: boolean,
): Verdict {
  const n = signatures.length;
  const last = signatures[n - 1];
  if (last === undefined) return { status: "failed", stop: true };
  if (last === "") return { status: "success", stop: true };
  if (failures.some((f) => BLOCKING.has(f.reason))) return { status: "blocked", stop: true };
  if (n >= 2 && signatures[n - 2] === last) return { status: "repeated_failure", stop: true };
  if (n >= 3 && signatures[n - 3] === last && signatures[n - 2] !== last)
    return { status: "oscillation", stop: true };
  if (n >= budget) return { status: anyApplied ? "partial" : "failed", stop: true };
  return { status: anyApplied ? "partial" : "failed", stop: false };
}
