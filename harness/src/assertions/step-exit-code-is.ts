/** `step_exit_code_is`: the step exited with exactly this code. */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, stepOf, type Verdict, verdict } from "./types.js";

export async function stepExitCodeIs(
  a: Extract<Assertion, { assertion_type: "step_exit_code_is" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const s = stepOf(ctx, a.target);
  const want = Number(a.expected_state);
  const seen = s.exit_code === null ? `no exit code (${s.status})` : `exit ${s.exit_code}`;
  return verdict(s.exit_code === want, `exit ${want}`, seen, [`step:${s.step_id}`]);
}
