/** `output_contains`: the target step's stdout (or any step's, without a target) contains the text. */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, shorten, stripAnsi, type Verdict, verdict } from "./types.js";

export async function outputContains(
  a: Extract<Assertion, { assertion_type: "output_contains" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const steps = [...ctx.steps.values()].filter((s) => a.target === undefined || s.step_id === a.target);
  const hit = steps.find((s) => stripAnsi(s.stdout).includes(a.expected_state));
  const expected = `stdout contains ${JSON.stringify(a.expected_state)}`;
  if (hit) return verdict(true, expected, `found in step ${hit.step_id}`, [`step:${hit.step_id}`]);
  return verdict(false, expected, steps.map((s) => `${s.step_id}: ${shorten(s.stdout, 120)}`).join(" | "));
}
