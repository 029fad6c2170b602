/**
 * `no_pending_changes`: a `plan --json` of the target reports `summary.changed_count == 0`.
 * Uses the named step when it is such a plan; otherwise the harness runs that plan itself.
 */

import { getPath, parseJsonOutput } from "../scenario/json-path.js";
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, failed, shorten, type Verdict, verdict } from "./types.js";

/** Where the agent's plan view keeps the number of objects that would change. */
export const PLAN_CHANGED_COUNT_PATH = "summary.changed_count";

function isJsonPlan(command: string): boolean {
  return / plan( |$)/.test(command) && command.includes("--json");
}

export async function noPendingChanges(
  a: Extract<Assertion, { assertion_type: "no_pending_changes" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const expected = `${PLAN_CHANGED_COUNT_PATH} == 0`;
  const named = a.target === undefined ? undefined : ctx.steps.get(a.target);
  const step = named !== undefined && isJsonPlan(named.command) ? named : await ctx.runPlan();
  const ref = `step:${step.step_id}`;
  if (step.exit_code === null || step.stdout.trim() === "") {
    return failed(expected, `plan produced no output (exit ${step.exit_code}): ${shorten(step.stderr)}`, [
      ref,
    ]);
  }
  const doc = parseJsonOutput(step.stdout, `the output of ${step.command}`);
  const { found, value } = getPath(doc, PLAN_CHANGED_COUNT_PATH);
  if (!found)
    return failed(expected, `the plan has no ${PLAN_CHANGED_COUNT_PATH}: ${shorten(step.stdout)}`, [ref]);
  return verdict(value === 0, expected, `${PLAN_CHANGED_COUNT_PATH} = ${JSON.stringify(value)}`, [ref]);
}
