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
  it("leaves in-repository pointers and look-alikes alone", () => {
    expect(lines(['// README.md "Outcomes of an apply"; ARCHITECTURE.md "Seams"'])).toEqual([]);
    expect(lines(["// colour #fff, step 12, a#1 selector, issues found: 3, the design of it"])).toEqual([]);
  });
});
