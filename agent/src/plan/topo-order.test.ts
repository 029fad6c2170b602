import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { topoOrder } from "./topo-order.js";

describe("topoOrder", () => {
  it("puts prerequisites first and breaks ties lexically", () => {
    const order = topoOrder(
      ["c", "b", "a", "mount"],
      [
        { from: "mount", to: "a" },
        { from: "b", to: "a" },
      ],
    );
    expect(order).toEqual(["b", "c", "mount", "a"]);
  });

  it("is independent of node and edge discovery order", () => {
    const nodes = ["n0", "n1", "n2", "n3", "n4", "n5", "n6"];
    const edges = [
      { from: "n3", to: "n1" },
      { from: "n5", to: "n1" },
      { from: "n1", to: "n0" },
      { from: "n6", to: "n2" },
    ];
    const expected = topoOrder(nodes, edges);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(nodes, { minLength: 7 }),
        fc.shuffledSubarray(edges, { minLength: 4 }),
        (n, e) => {
          expect(topoOrder(n, e)).toEqual(expected);
        },
      ),
    );
  });

  it("names the cycle in the error", () => {
    let err: unknown;
    try {
      topoOrder(
        ["x", "a", "b", "c"],
        [
          { from: "a", to: "b" },
          { from: "b", to: "c" },
          { from: "c", to: "a" },
          { from: "x", to: "a" },
        ],
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoreOpsError);
    expect((err as CoreOpsError).message).toBe("dependency cycle: a -> b -> c -> a");
    expect((err as CoreOpsError).exitCode).toBe(65);
  });

  it("treats a self-dependency as a cycle", () => {
    expect(() => topoOrder(["a"], [{ from: "a", to: "a" }])).toThrow("dependency cycle: a -> a");
  });
});
