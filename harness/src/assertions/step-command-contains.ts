/** `step_command_contains`: the step's rendered command contains the text. */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, stepOf, type Verdict, verdict } from "./types.js";

export async function stepCommandContains(
  a: Extract<Assertion, { assertion_type: "step_command_contains" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const s = stepOf(ctx, a.target);
  return verdict(
    s.command.includes(a.expected_state),
    `command contains ${JSON.stringify(a.expected_state)}`,
    s.command,
    [`step:${s.step_id}`],
  );
}
