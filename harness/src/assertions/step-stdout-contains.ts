/** `step_stdout_contains`: the step's stdout (ANSI stripped) contains the text. */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, shorten, stepOf, stripAnsi, type Verdict, verdict } from "./types.js";

export async function stepStdoutContains(
  a: Extract<Assertion, { assertion_type: "step_stdout_contains" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const s = stepOf(ctx, a.target);
  return verdict(
    stripAnsi(s.stdout).includes(a.expected_state),
    `stdout contains ${JSON.stringify(a.expected_state)}`,
    shorten(s.stdout),
    [`step:${s.step_id}`],
  );
}
