/** `state_file`: a field of the agent's status.json in the guest equals / contains / matches. */

import { getPath, matchValue, parseJsonOutput } from "../scenario/json-path.js";
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, failed, shorten, type Verdict, verdict } from "./types.js";

export async function stateFile(
  a: Extract<Assertion, { assertion_type: "state_file" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const r = await ctx.facts.cat(a.state_file);
  const refs = [`file:${a.state_file}`];
  const { expected } = matchValue(undefined, a);
  if (r.exitCode !== 0)
    return failed(`${a.path} ${expected}`, `cannot read ${a.state_file}: ${shorten(r.stderr)}`, refs);
  const doc = parseJsonOutput(r.stdout, a.state_file);
  const { found, value } = getPath(doc, a.path);
  if (!found) return failed(`${a.path} ${expected}`, `${a.path} is absent`, refs);
  const m = matchValue(value, a);
  return verdict(m.ok, `${a.path} ${m.expected}`, `${a.path} = ${JSON.stringify(value)}`, refs);
}
