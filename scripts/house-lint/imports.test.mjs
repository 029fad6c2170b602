import { describe, expect, it } from "vitest";
import { crossProgramFindings, folderCycleFindings, folderOf, resolveImport } from "./imports.mjs";

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
