/** `step_stderr_contains`: the step's stderr (ANSI stripped) contains the text (typed errors go there). */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, shorten, stepOf, stripAnsi, type Verdict, verdict } from "./types.js";

export async function stepStderrContains(
  a: Extract<Assertion, { assertion_type: "step_stderr_contains" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const s = stepOf(ctx, a.target);
  return verdict(
    stripAnsi(s.stderr).includes(a.expected_state),
    `stderr contains ${JSON.stringify(a.expected_state)}`,
    shorten(s.stderr),
    [`step:${s.step_id}`],
  );
}
