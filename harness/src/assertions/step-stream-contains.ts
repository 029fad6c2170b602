/**
 * `step_stdout_contains` / `step_stderr_contains`: the step's stdout or stderr (ANSI stripped) contains the
 * text (typed errors of core-ops go to stderr).
 */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, shorten, stepOf, stripAnsi, type Verdict, verdict } from "./types.js";

export async function stepStreamContains(
  a: Extract<Assertion, { assertion_type: "step_stdout_contains" | "step_stderr_contains" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const s = stepOf(ctx, a.target);
  const stream = a.assertion_type === "step_stdout_contains" ? "stdout" : "stderr";
  return verdict(
    stripAnsi(s[stream]).includes(a.expected_state),
    `${stream} contains ${JSON.stringify(a.expected_state)}`,
    shorten(s[stream]),
    [`step:${s.step_id}`],
  );
}
