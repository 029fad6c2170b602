import { describe, expect, it } from "vitest";
import { applyAllowlist, parseAllowlist } from "./allowlist.mjs";

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
