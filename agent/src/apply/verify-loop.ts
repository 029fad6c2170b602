/**
 * Step 6 of an execution on a host (executor.ts): verification passes (verify-pass.ts), retried up to
 * the budget by restarting the failing objects; identical signatures → repeated_failure, A/B/A →
 * oscillation (convergence.ts classifies).
 */

import type { Attempt } from "../model/execution.js";
import { activate } from "./activation.js";
import { classifyAttempts, failureSignature } from "./convergence.js";
import type { ExecutionContext } from "./execution-context.js";
import { executionResult } from "./execution-result.js";
import type { ApplyObject, ExecutionResult } from "./model.js";
import { verifyPass } from "./verify-pass.js";

/** A new attempt: the failing objects are restarted (restart covers failed and inactive units). */
async function retryFailing(
  ctx: ExecutionContext,
  keeps: readonly ApplyObject[],
  failing: ReadonlySet<string>,
): Promise<void> {
  ctx.attempt += 1;
  ctx.phase = "execution";
  ctx.activated = new Set();
  ctx.restartedAt = new Map();
  ctx.lastActivationMs = null;
  for (const id of failing) ctx.failures.delete(id);
  for (const o of keeps) {
    if (!failing.has(o.id)) continue;
    const blockedBy = ctx.failedPrerequisite(o);
    if (blockedBy) {
      ctx.blocked.add(o.id);
      ctx.record(o.id, "restart", o.unit ?? o.id, "skipped", `blocked: prerequisite ${blockedBy} failed`);
      continue;
    }
    ctx.blocked.delete(o.id);
    await activate(ctx, o, "restart");
  }
}

export async function verifyLoop(
  ctx: ExecutionContext,
  keeps: readonly ApplyObject[],
): Promise<ExecutionResult> {
  const attempts: Attempt[] = [];
  const signatures: string[] = [];
  let anyApplied = ctx.mutated;
  for (;;) {
    ctx.phase = "convergence_check";
    const failures = await ctx.timed("verification_ms", () => verifyPass(ctx, keeps));
    const signature = failureSignature(failures);
    attempts.push({ attempt: ctx.attempt, signature, failures });
    signatures.push(signature);
    anyApplied ||= ctx.mutated;
    const verdict = classifyAttempts(signatures, failures, ctx.opts.retryBudget, anyApplied);
    if (verdict.stop) return executionResult(ctx, attempts, verdict.status, "runtime");
    await retryFailing(ctx, keeps, new Set(failures.map((f) => f.object)));
  }
}
