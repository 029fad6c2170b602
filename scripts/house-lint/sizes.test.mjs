import { describe, expect, it } from "vitest";
import { FILE_LINES, FUNCTION_LINES, lineCount, sizeFindings } from "./sizes.mjs";

describe("sizeFindings", () => {
  const fn = (name, length, marker) => ({ name, startLine: 10, endLine: 10 + length - 1, marker });
  it("flags a file over budget without a marker and functions over budget without one", () => {
    const findings = sizeFindings({
      path: "a.ts",
      lines: FILE_LINES + 1,
      functions: [fn("ok", FUNCTION_LINES), fn("long", FUNCTION_LINES + 1), fn("why", 200, "a table")],
    });
    expect(findings.map((f) => [f.rule, f.name, f.line])).toEqual([
      ["file-size", undefined, 1],
      ["function-size", "long", 10],
    ]);
    expect(findings[1].message).toContain(`${FUNCTION_LINES + 1} lines`);
  });
  it("accepts a file at budget or with a marker", () => {
    expect(sizeFindings({ path: "a.ts", lines: FILE_LINES, functions: [] })).toEqual([]);
    expect(sizeFindings({ path: "a.ts", lines: 900, fileMarker: "generated", functions: [] })).toEqual([]);
  });
  it("counts lines as an editor does", () => {
    expect([lineCount(""), lineCount("a"), lineCount("a\n"), lineCount("a\nb")]).toEqual([0, 1, 1, 2]);
  });
});
