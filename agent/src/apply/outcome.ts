/**
 * The outcome of one apply (README "Outcomes of an apply"). It names why the run stopped, not how much of
 * it worked — the per-object entries say that:
 * - `converged` (`converged_with_tolerated_variance` when the plan tolerated a runtime variance): the
 *   final verification passed;
 * - `non_converging`: verification stopped on a repeated failure signature or an oscillation. This holds
 *   whatever else succeeded: with one of two services broken, the healthy one is started and verified
 *   running, and the outcome is still `non_converging`;
 * - `partially_applied`: it stopped otherwise (a blocked object, the retry budget spent on changing
 *   failures) after changing something; `failed`: the same with nothing changed.
 * Only `converged*` moves `last_applied_revision`. Pure.
 */

import { isMutatingOperation } from "../model/operations.js";
import type { Outcome } from "../model/outcome.js";
import type { ExecutionResult } from "./model.js";

export function applyOutcome(exec: ExecutionResult, tolerated: boolean): Outcome {
  const s = exec.convergence.status;
  if (s === "success") return tolerated ? "converged_with_tolerated_variance" : "converged";
  if (s === "repeated_failure" || s === "oscillation") return "non_converging";
  const anyDone = exec.objects.some(
    (o) => o.final_state === "succeeded" && o.executed.some((op) => isMutatingOperation(op)),
  );
  return anyDone ? "partially_applied" : "failed";
}
