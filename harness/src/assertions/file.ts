/** `file`: a guest path exists or is absent, its content contains a text, its mode is as given. */
import type { Assertion } from "../scenario/schema.js";
import { shellQuote } from "../steps/shell.js";
import { type AssertionContext, shorten, type Verdict, verdict } from "./types.js";

export async function fileAssertion(
  a: Extract<Assertion, { assertion_type: "file" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const p = shellQuote(a.path);
  const probe = await ctx.vm.exec(`if [ -e ${p} ]; then stat -c %a ${p}; else echo absent; fi`);
  const mode = probe.stdout.trim();
  const exists = mode !== "absent" && probe.exitCode === 0;
  const expected: string[] = [a.exists ? "exists" : "absent"];
  const observed: string[] = [exists ? `exists (mode ${mode})` : "absent"];
  let ok = exists === a.exists;
  if (a.exists && exists && a.mode !== undefined) {
    expected.push(`mode ${a.mode}`);
    if (Number.parseInt(a.mode, 8) !== Number.parseInt(mode, 8)) ok = false;
  }
  if (a.exists && exists && a.content_contains !== undefined) {
    const content = await ctx.facts.cat(a.path);
    expected.push(`content contains ${JSON.stringify(a.content_contains)}`);
    const has = content.stdout.includes(a.content_contains);
    if (!has) {
      ok = false;
      observed.push(`content: ${shorten(content.stdout, 200)}`);
    }
  }
  return verdict(ok, `${a.path} ${expected.join(", ")}`, `${a.path} ${observed.join(", ")}`, [
    `file:${a.path}`,
  ]);
}
