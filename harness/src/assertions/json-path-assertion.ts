/** `json_path`: a value at a path of the step's `--json` output equals / contains / matches. */

import { getPath, matchValue, parseJsonOutput } from "../scenario/json-path.js";
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, failed, stepOf, type Verdict, verdict } from "./types.js";

export async function jsonPath(
  a: Extract<Assertion, { assertion_type: "json_path" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const s = stepOf(ctx, a.target);
  const doc = parseJsonOutput(s.stdout, `the stdout of step ${s.step_id}`);
  const { found, value } = getPath(doc, a.path);
  const { ok, expected } = matchValue(value, a);
  const refs = [`step:${s.step_id}`];
  if (!found) return failed(`${a.path} ${expected}`, `${a.path} is absent`, refs);
  return verdict(ok, `${a.path} ${expected}`, `${a.path} = ${JSON.stringify(value)}`, refs);
}
