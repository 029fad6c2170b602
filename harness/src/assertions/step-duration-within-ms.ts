/** `step_duration_within_ms`: the step took at most this many milliseconds. */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, stepOf, type Verdict, verdict } from "./types.js";

export async function stepDurationWithinMs(
  a: Extract<Assertion, { assertion_type: "step_duration_within_ms" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const s = stepOf(ctx, a.target);
  const max = Number(a.expected_state);
  return verdict(s.status !== "timed_out" && s.duration_ms <= max, `≤ ${max} ms`, `${s.duration_ms} ms`, [
    `step:${s.step_id}`,
  ]);
}
