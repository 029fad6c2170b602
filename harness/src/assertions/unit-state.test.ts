import { describe, expect, it } from "vitest";
import type { Assertion } from "../scenario/schema.js";
import type { AssertionContext } from "./types.js";
import { unitState } from "./unit-state.js";

type UnitStateAssertion = Extract<Assertion, { assertion_type: "unit_state" }>;

/** A context whose guest facts answer from a table (pure evaluation logic; no guest). */
function context(
  now: Record<string, string>,
  snapshots: Record<string, Record<string, string>>,
): AssertionContext {
  const facts = { unitProperties: async () => now };
  return {
    steps: new Map(),
    placeholders: new Map(),
    vm: undefined as never,
    facts: facts as never,
    snapshots: new Map(
      Object.entries(snapshots).map(([step, props]) => [step, new Map([["a.service", props]])]),
    ),
    runPlan: async () => {
      throw new Error("not used");
    },
  };
}

const base = { assertion_id: "u", assertion_type: "unit_state", unit: "a.service" } as const;

describe("unit_state changed_since / unchanged_since with until", () => {
  it("compares the two snapshots, not the end state", async () => {
    const a: UnitStateAssertion = {
      ...base,
      changed_since: { step: "s1", until: "s2", properties: ["InvocationID"] },
    };
    const snaps = { s1: { InvocationID: "x" }, s2: { InvocationID: "y" } };
    // Gone by the end of the run: fine, only the transition is asserted.
    const gone = { LoadState: "not-found", InvocationID: "" };
    expect((await unitState(a, context(gone, snaps))).status).toBe("passed");
    const same = { s1: { InvocationID: "x" }, s2: { InvocationID: "x" } };
    expect((await unitState(a, context(gone, same))).status).toBe("failed");
  });

  it("without until compares with the end of the run", async () => {
    const a: UnitStateAssertion = { ...base, unchanged_since: { step: "s1", properties: ["MainPID"] } };
    const snaps = { s1: { MainPID: "10" } };
    expect((await unitState(a, context({ LoadState: "loaded", MainPID: "10" }, snaps))).status).toBe(
      "passed",
    );
    expect((await unitState(a, context({ LoadState: "loaded", MainPID: "11" }, snaps))).status).toBe(
      "failed",
    );
    expect((await unitState(a, context({ LoadState: "not-found", MainPID: "10" }, snaps))).status).toBe(
      "failed",
    );
  });

  it("fails when a snapshot is missing", async () => {
    const a: UnitStateAssertion = {
      ...base,
      unchanged_since: { step: "s1", until: "s2", properties: ["MainPID"] },
    };
    expect((await unitState(a, context({ LoadState: "loaded" }, { s1: { MainPID: "1" } }))).status).toBe(
      "failed",
    );
  });
});
