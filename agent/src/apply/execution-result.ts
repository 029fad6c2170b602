/**
 * What an execution reports (model.ts `ExecutionResult`): its events, each object's final state and the
 * operations it actually executed, the convergence verdict over the attempts, durations, stop-timeout
 * warnings and backups. Built from what ran, never from the plan.
 */

import { isChanging } from "../model/actions.js";
import type {
  Attempt,
  Convergence,
  ExecutionDurations,
  ObjectFailure,
  ObjectResult,
} from "../model/execution.js";
import { isCheckOperation, type Operation } from "../model/operations.js";
import type { ExecutionContext } from "./execution-context.js";
import type { ApplyObject, ExecutionResult } from "./model.js";

/** One object's final state from its last failure, whether it was blocked, and what it executed. */
export function finalState(
  o: ApplyObject,
  failure: ObjectFailure | null,
  blocked: boolean,
  executed: readonly Operation[],
): ObjectResult["final_state"] {
  if (failure)
    return failure.reason === "dependency_failed" || failure.reason === "blocked_prerequisite"
      ? "blocked"
      : "failed";
  if (blocked || o.action === "blocked") return "blocked";
  if (o.action === "skipped") return "skipped";
  if (executed.some((op) => !isCheckOperation(op))) return "succeeded";
  return isChanging(o.action) ? "succeeded" : "no_op";
}

export function executionResult(
  ctx: ExecutionContext,
  attempts: Attempt[],
  status: Convergence["status"],
  basis: Convergence["basis"],
): ExecutionResult {
  const lastFailures = attempts[attempts.length - 1]?.failures ?? [];
  const failedIds = new Map(lastFailures.map((f) => [f.object, f]));
  const objects: ObjectResult[] = ctx.objects.map((o) => {
    const executed = ctx.executed.get(o.id) ?? [];
    const failure = failedIds.get(o.id) ?? null;
    const final_state = finalState(o, failure, ctx.blocked.has(o.id), executed);
    return { object: o.id, action: o.action, final_state, executed, failure };
  });
  const affected = [...new Set(attempts.flatMap((a) => a.failures.map((f) => f.object)))].sort();
  const convergence: Convergence = {
    status,
    basis,
    attempt_count: attempts.length,
    retry_budget: ctx.opts.retryBudget,
    attempts,
    affected_objects: affected,
    can_continue: status === "success",
  };
  const durations = Object.fromEntries(
    Object.entries(ctx.durations).map(([k, v]) => [k, Math.round(v)]),
  ) as ExecutionDurations;
  return {
    events: ctx.events,
    objects,
    convergence,
    changed: ctx.mutated,
    durations,
    stopTimeouts: ctx.stopTimeouts,
    backups: ctx.saved,
  };
}
