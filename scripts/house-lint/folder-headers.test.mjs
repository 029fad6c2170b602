import { describe, expect, it } from "vitest";
import { allowedImports, folderHeaderFindings } from "./folder-headers.mjs";

describe("folder headers", () => {
  const readme = "# plan\n\nOwns: the planner.\nMay import: `desired`, `state/`, `errors.ts`.\n";
  it("reads the allowed siblings", () => {
    expect([...allowedImports(readme)]).toEqual(["desired", "state", "errors.ts"]);
    expect([...allowedImports("May import: nothing\n")]).toEqual([]);
  });
  it("flags a missing header, missing lines, and an import the header does not allow", () => {
    expect(folderHeaderFindings("agent/src/plan", undefined, [])[0].message).toContain("missing");
    expect(folderHeaderFindings("agent/src/plan", "# plan\n", []).map((f) => f.message)).toHaveLength(2);
    const targets = [
      { node: "agent/src/desired", at: "agent/src/plan/a.ts:1" },
      { node: "agent/src/views", at: "agent/src/plan/a.ts:2" },
    ];
    const findings = folderHeaderFindings("agent/src/plan", readme, targets);
    expect(findings.map((f) => [f.line, f.message.slice(0, 15)])).toEqual([[4, "imports `views`"]]);
  });
});
