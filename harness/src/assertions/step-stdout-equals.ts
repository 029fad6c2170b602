/** `step_stdout_equals`: the step's stdout (ANSI stripped, trailing newline dropped) is exactly the text. */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, shorten, stepOf, stripAnsi, type Verdict, verdict } from "./types.js";

export async function stepStdoutEquals(
  a: Extract<Assertion, { assertion_type: "step_stdout_equals" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const s = stepOf(ctx, a.target);
  const out = stripAnsi(s.stdout).replace(/\r?\n$/, "");
  return verdict(out === a.expected_state, `stdout is ${JSON.stringify(a.expected_state)}`, shorten(out), [
    `step:${s.step_id}`,
  ]);
}
