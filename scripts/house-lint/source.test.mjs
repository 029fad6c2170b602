import { describe, expect, it } from "vitest";
import { commentsOf, fileSizeMarker, functionsOf, importsOf, parseSource } from "./source.mjs";

const body = (n) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");

describe("functionsOf", () => {
  it("finds declarations, methods, arrows and callbacks with their line spans", () => {
    const text = [
      "export function alpha() {", // 1
      body(3), // 2-4
      "}", // 5
      "class Box {",
      "  run(): void {",
      "    return;",
      "  }",
      "}",
      "const beta = (x: number) => {",
      "  return x;",
      "};",
      "describe('t', () => {",
      "  it('x', () => {});",
      "});",
    ].join("\n");
    const fns = functionsOf(parseSource("a.ts", text));
    expect(fns.map((f) => [f.name, f.startLine, f.endLine])).toEqual([
      ["alpha", 1, 5],
      ["Box.run", 7, 9],
      ["beta", 11, 13],
      ["(callback of describe)", 14, 16],
      ["(callback of it)", 15, 15],
    ]);
  });

  it("reads a '// size:' marker directly above a function or its declaration, with JSDoc between", () => {
    const text = [
      "// size: one table, kept together",
      "/** Doc. */",
      "function marked() {}",
      "/** Doc. */",
      "function plain() {}",
      "// size: a long switch over every kind",
      "export const arrow = () => 1;",
      "// size:",
      "function emptyReason() {}",
    ].join("\n");
    const marks = Object.fromEntries(functionsOf(parseSource("a.ts", text)).map((f) => [f.name, f.marker]));
    expect(marks).toEqual({
      marked: "one table, kept together",
      plain: undefined,
      arrow: "a long switch over every kind",
      emptyReason: undefined,
    });
  });

  it("does not take a marker inside the body of the previous function", () => {
    const text = ["function a() {", "  // size: not mine", "}", "function b() {}"].join("\n");
    expect(functionsOf(parseSource("a.ts", text)).map((f) => f.marker)).toEqual([undefined, undefined]);
  });
});

describe("fileSizeMarker", () => {
  it("finds the marker in the file's leading comments, after a shebang", () => {
    const text = "#!/usr/bin/env node\n/** Header. */\n// size: generated table\nexport const x = 1;\n";
    expect(fileSizeMarker(parseSource("a.mjs", text))).toBe("generated table");
  });
  it("ignores a marker after the first statement", () => {
    expect(fileSizeMarker(parseSource("a.ts", "export const x = 1;\n// size: late\n"))).toBeUndefined();
  });
});

describe("commentsOf", () => {
  it("returns every comment once, and nothing from strings or templates", () => {
    const text = [
      "/** Head. */",
      'const url = "http://x // not a comment";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test holds a template literal
      "const t = `${url} /* nor this */ ${1}`; // trailing",
      "function f() {",
      "  return 1;",
      "  // before the closing brace",
      "}",
      "// at the end",
    ].join("\n");
    expect(commentsOf(parseSource("a.ts", text))).toEqual([
      { line: 1, text: "/** Head. */" },
      { line: 3, text: "// trailing" },
      { line: 6, text: "// before the closing brace" },
      { line: 8, text: "// at the end" },
    ]);
  });
});

describe("importsOf", () => {
  it("lists static, re-exported, type-only and literal dynamic imports", () => {
    const text = [
      'import { a } from "./a.js";',
      'import type { B } from "../b/index.js";',
      'export { c } from "./c.js";',
      'const d = await import("./d.js");',
      "type E = import('./e.js').E;",
      "const f = await import(name);",
    ].join("\n");
    expect(importsOf(parseSource("x.ts", text))).toEqual([
      { specifier: "./a.js", line: 1 },
      { specifier: "../b/index.js", line: 2 },
      { specifier: "./c.js", line: 3 },
      { specifier: "./d.js", line: 4 },
      { specifier: "./e.js", line: 5 },
    ]);
  });
});
