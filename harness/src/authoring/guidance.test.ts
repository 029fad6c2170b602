import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GUIDANCE_SUBSECTIONS } from "./candidate.js";
import { parseGuidance, SpecGuidanceError } from "./guidance.js";
import { guidanceText } from "./test-support/guidance-text.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");

function problemsOf(text: string): string[] {
  try {
    parseGuidance(text, "spec.md");
  } catch (err) {
    if (err instanceof SpecGuidanceError)
      return err.problems.map((p) => `${p.line} ${p.field}: ${p.message}`);
    throw err;
  }
  return [];
}

describe("parseGuidance", () => {
  it("reads bullets with their lines, class tags, continuation lines and required classes", () => {
    const g = parseGuidance(guidanceText(), "spec.md");
    expect(g.line).toBe(7);
    expect(g.bullets.map((b) => [b.subsection, b.line, b.text, b.tag])).toEqual([
      ["Observable Behaviors", 10, "Applying a revision starts its services.", undefined],
      ["Observable Behaviors", 11, "A hand edit is put back by the next apply.", "drift_correction"],
      ["Invariants", 15, "Nothing unowned is deleted.", undefined],
      ["Idempotency Expectations", 18, "A second apply changes nothing.", undefined],
      ["Failure Modes", 21, "A broken release is recorded as non_converging.", undefined],
      ["Upgrade Considerations", 24, "An upgrade restarts exactly what changed.", undefined],
    ]);
    expect(g.required).toEqual([
      { scenario_class: "convergence", line: 27, reason: "must converge" },
      { scenario_class: "idempotency", line: 28, reason: "timer runs" },
    ]);
  });

  it("refuses guidance lacking a required subsection, naming it and the line of the section", () => {
    for (const name of GUIDANCE_SUBSECTIONS) {
      expect(problemsOf(guidanceText({ [name]: undefined }))).toEqual([
        `7 ${name}: ## Verification Guidance lacks the required subsection ### ${name}`,
      ]);
    }
  });

  it("refuses a spec without guidance, unknown classes and tags, and an empty class list", () => {
    expect(problemsOf("# x\n\n## Summary\n")).toEqual(["1 : has no `## Verification Guidance` section"]);
    expect(
      problemsOf(
        guidanceText({
          "Observable Behaviors": "- [nonsense] a claim",
          "Required Scenario Classes": "- convergnce — typo",
        }),
      ),
    ).toEqual([
      "10 Observable Behaviors: unknown class tag [nonsense]",
      '25 Required Scenario Classes: "convergnce — typo" does not start with a scenario class',
    ]);
    expect(problemsOf(guidanceText({ "Required Scenario Classes": "" }))).toEqual([
      "26 Required Scenario Classes: lists no class",
    ]);
  });

  it("parses every spec of the repository", () => {
    for (const feature of ["reconciliation", "verification-harness"]) {
      const file = join(ROOT, "specs", feature, "spec.md");
      const g = parseGuidance(readFileSync(file, "utf8"), file);
      expect(g.required.length).toBeGreaterThan(0);
      expect(g.bullets.length).toBeGreaterThan(0);
    }
  });
});
