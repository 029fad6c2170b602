import { describe, expect, it } from "vitest";
import { applyAllowlist, parseAllowlist } from "./allowlist.mjs";
import { allowedImports, folderHeaderFindings } from "./folder-headers.mjs";
import { crossProgramFindings, folderCycleFindings, folderOf, resolveImport } from "./imports.mjs";
import { referenceFindings } from "./references.mjs";
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

describe("folder import graph", () => {
  const roots = ["agent/src", "harness/src"];
  const known = new Set(["agent/src/plan/a.ts", "agent/src/plan/index.ts", "agent/src/views/v.ts"]);
  it("maps files to top-level folders, root files to themselves", () => {
    expect(folderOf(roots, "agent/src/plan/x/y.ts")).toBe("agent/src/plan");
    expect(folderOf(roots, "agent/src/errors.ts")).toBe("agent/src/errors.ts");
    expect(folderOf(roots, "scripts/x.mjs")).toBeUndefined();
  });
  it("resolves .js specifiers to .ts files and folders to index.ts; packages to nothing", () => {
    expect(resolveImport(known, "agent/src/views/v.ts", "../plan/a.js")).toBe("agent/src/plan/a.ts");
    expect(resolveImport(known, "agent/src/views/v.ts", "../plan")).toBe("agent/src/plan/index.ts");
    expect(resolveImport(known, "agent/src/views/v.ts", "zod")).toBeUndefined();
  });
  it("reports each import on a folder cycle with the way back, and nothing for a one-way import", () => {
    const edges = [
      { from: "agent/src/plan/a.ts", to: "agent/src/views/v.ts", line: 3 },
      { from: "agent/src/views/v.ts", to: "agent/src/state/s.ts", line: 4 },
      { from: "agent/src/state/s.ts", to: "agent/src/plan/b.ts", line: 5 },
      { from: "agent/src/plan/a.ts", to: "agent/src/errors.ts", line: 6 },
      { from: "agent/src/plan/a.ts", to: "agent/src/plan/b.ts", line: 7 },
    ];
    const findings = folderCycleFindings(roots, edges);
    expect(findings.map((f) => [f.name, `${f.path}:${f.line}`])).toEqual([
      ["agent/src/plan -> agent/src/views", "agent/src/plan/a.ts:3"],
      ["agent/src/state -> agent/src/plan", "agent/src/state/s.ts:5"],
      ["agent/src/views -> agent/src/state", "agent/src/views/v.ts:4"],
    ]);
    expect(findings[0].message).toContain("views → state → plan");
    expect(folderCycleFindings(roots, edges.slice(0, 2))).toEqual([]);
  });
  it("rejects imports from one program into another, by path or by package name", () => {
    const findings = crossProgramFindings(roots, [
      {
        from: "harness/src/a.ts",
        to: "agent/src/errors.ts",
        specifier: "../../agent/src/errors.js",
        line: 1,
      },
      { from: "harness/src/a.ts", specifier: "@core-ops/agent/dist/x.js", line: 2 },
      { from: "harness/src/a.ts", to: "harness/src/b.ts", specifier: "./b.js", line: 3 },
      { from: "agent/src/a.ts", specifier: "zod", line: 4 },
    ]);
    expect(findings.map((f) => f.line)).toEqual([1, 2]);
  });
});

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

describe("allowlist", () => {
  const doc = {
    entries: [
      { rule: "file-size", path: "a.ts", reason: "being split" },
      { rule: "function-size", path: "b.ts", name: "big", reason: "being split" },
      { rule: "reference", path: "gone.ts", reason: "fixed already" },
    ],
  };
  it("accepts matching findings, leaves others open, and reports entries that match nothing", () => {
    const entries = parseAllowlist(doc, "list.json");
    const { open, accepted, stale } = applyAllowlist(entries, [
      { rule: "file-size", path: "a.ts" },
      { rule: "function-size", path: "b.ts", name: "big" },
      { rule: "function-size", path: "b.ts", name: "other" },
    ]);
    expect(accepted).toHaveLength(2);
    expect(open.map((f) => f.name)).toEqual(["other"]);
    expect(stale.map((e) => e.path)).toEqual(["gone.ts"]);
  });
  it("rejects entries without a reason, with an unknown rule, or twice", () => {
    expect(() => parseAllowlist({ entries: [{ rule: "file-size", path: "a" }] }, "l.json")).toThrow(
      /entries\[0\]: "reason"/,
    );
    expect(() => parseAllowlist({ entries: [{ rule: "nope", path: "a", reason: "r" }] }, "l.json")).toThrow(
      /"rule" must be one of/,
    );
    const twice = { rule: "file-size", path: "a", reason: "r" };
    expect(() => parseAllowlist({ entries: [twice, twice] }, "l.json")).toThrow(/entries\[1\]: duplicate/);
  });
});
