import { describe, expect, it } from "vitest";
import { referenceFindings } from "./references.mjs";

describe("referenceFindings", () => {
  const lines = (texts) =>
    referenceFindings("f.ts", [{ line: 5, text: texts.join("\n") }]).map((f) => f.line);
  it("flags design sections, outside section numbers, research notes and issues, per line", () => {
    expect(lines(["/**", " * Rules (DESIGN §2).", " * fine", " */"])).toEqual([6]);
    expect(lines(["// see original-inventory §2i"])).toEqual([5]);
    expect(lines(["// below repos/ (DESIGN: fixtures are relative)"])).toEqual([5]);
    expect(lines(["// the seed's rules (§8)"])).toEqual([5]);
    expect(lines(["// issue 4 §1 asked for it"])).toEqual([5]);
    expect(lines(["// fixed in #12"])).toEqual([5]);
    expect(lines(["// Issue #3 item 5"])).toEqual([5]);
  });
  it("flags outside documents named in other words: the founding brief, lessons, research notes, the original", () => {
    const flagged = [
      "// Normalization of the four unit kinds (the seed's rules):",
      "// Error messages use the seed's wording.",
      "/** Mount facts the seed wants visible in plan. */",
      '// Named profiles keep scenarios short (seed: "prefer named profiles").',
      "// one Vitest test file (aesthetics lesson 8, option A)",
      "// Test verbs (NixOS execute/succeed/fail, kola lesson 2)",
      "// as house-review found",
      "// see original-inventory",
      "// the names in anchors.md",
      "// background in ../shared/research/guest.md",
      "// Outcome classification (the original's rules).",
      "// exists (checked at load time, as the original did).",
      "// Field names follow the original where sensible.",
      "/** Legacy field of the original; only `fixture` exists. */",
      "// or the default of the original tool",
    ];
    for (const text of flagged) expect(lines([text]), text).toEqual([5]);
    const messages = referenceFindings("f.ts", [{ line: 1, text: "// (the seed's rules)\n// lesson 8" }]).map(
      (f) => f.message,
    );
    expect(messages[0]).toMatch(/^comment refers to the project's founding brief \("\(the seed's rules\)"\)/);
    expect(messages[1]).toMatch(/^comment refers to a numbered lesson of an outside review/);
  });
  it("leaves seeds of random generators and keys, and a file's original text, alone", () => {
    expect(
      lines([
        "// header order varies with the seed, a 32-byte seed, the keys' seeds, the seed is its first 32 bytes",
        "// `UnitFile.text` is the original text; where it came from in the original text",
        "// the research group, a lesson learned, anchors in a page",
      ]),
    ).toEqual([]);
  });
  it("leaves in-repository pointers and look-alikes alone", () => {
    expect(lines(['// README.md "Outcomes of an apply"; ARCHITECTURE.md "Seams"'])).toEqual([]);
    expect(lines(["// colour #fff, step 12, a#1 selector, issues found: 3, the design of it"])).toEqual([]);
  });
});
