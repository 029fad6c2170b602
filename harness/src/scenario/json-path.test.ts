import { describe, expect, it } from "vitest";
import { getPath, matchValue, parseJsonPath } from "./json-path.js";

describe("json paths", () => {
  it("parses dotted paths, indexes and quoted keys", () => {
    expect(parseJsonPath("$.summary.changed_count")).toEqual(["summary", "changed_count"]);
    expect(parseJsonPath('actions[2].unit["x-y"]')).toEqual(["actions", 2, "unit", "x-y"]);
    expect(() => parseJsonPath("a..b")).toThrow(/invalid JSON path "a\.\.b"/);
  });
  it("selects the first array element whose field equals a text", () => {
    const doc = {
      entries: [
        { object: { id: "a" }, n: 1 },
        { object: { id: "b/c.d" }, n: 2 },
      ],
    };
    expect(getPath(doc, "entries[object.id=b/c.d].n")).toEqual({ found: true, value: 2 });
    expect(getPath(doc, "entries[n=1].object.id")).toEqual({ found: true, value: "a" });
    expect(getPath(doc, "entries[object.id=zz].n").found).toBe(false);
  });
  it("finds values and tells absent from null", () => {
    const doc = { a: { b: [1, { c: null }] } };
    expect(getPath(doc, "a.b[1].c")).toEqual({ found: true, value: null });
    expect(getPath(doc, "a.b[5]")).toEqual({ found: false, value: undefined });
  });
  it("matches equals / contains / matches", () => {
    expect(matchValue({ x: [1, 2] }, { equals: { x: [1, 2] } }).ok).toBe(true);
    expect(matchValue(["a.service", "b.service"], { contains: "b.service" }).ok).toBe(true);
    expect(matchValue("converged_with_tolerated_variance", { matches: "^converged" }).ok).toBe(true);
    expect(matchValue(0, { equals: "0" }).ok).toBe(false);
  });
});
