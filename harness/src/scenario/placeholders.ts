/**
 * `${name}` placeholders in assertion expectations (scenarios/README.md "Values the harness knows"): the
 * identity of the agent build delivered into the guest and the commit ids of the fixture revisions, so a
 * scenario asserts equality with what the harness built and replayed instead of a pattern. Pure.
 */
import type { Assertion } from "./schema.js";

const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+)\}/g;

export const BUILD_KEYS = ["build.version", "build.revision", "build.tree_state", "build.identity"] as const;

/** The names a scenario may use, given the fixture revisions it replays. */
export function placeholderNameIsKnown(name: string, revisions: readonly string[]): boolean {
  if ((BUILD_KEYS as readonly string[]).includes(name)) return true;
  return name.startsWith("fixture.") && revisions.includes(name.slice("fixture.".length));
}

/** Every `${name}` in a text. */
export function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

function substitute(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const v = values.get(name);
    if (v === undefined)
      throw new Error(
        `the placeholder \${${name}} has no value in this run (known: ${[...values.keys()].sort().join(", ") || "none"})`,
      );
    return v;
  });
}

/** The string fields of an assertion that are expectations (and may hold placeholders). */
const EXPECTATION_FIELDS = ["expected_state", "equals", "contains", "matches", "content_contains"] as const;

/** Texts of an assertion's expectations (for load-time checks). */
export function expectationTexts(a: Assertion): string[] {
  const rec = a as Record<string, unknown>;
  return EXPECTATION_FIELDS.flatMap((k) => (typeof rec[k] === "string" ? [rec[k] as string] : []));
}

/** The assertion with every placeholder in its expectations replaced; throws on an unknown one. */
export function resolvePlaceholders<A extends Assertion>(a: A, values: ReadonlyMap<string, string>): A {
  const out: Record<string, unknown> = { ...a };
  for (const k of EXPECTATION_FIELDS) {
    const v = out[k];
    if (typeof v === "string") out[k] = substitute(v, values);
  }
  return out as A;
}
