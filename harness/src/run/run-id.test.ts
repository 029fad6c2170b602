import { describe, expect, it } from "vitest";
import { newRunId, RUN_ID_MAX } from "./run-id.js";

const DOMAIN_RULE = /^[a-z0-9][a-z0-9-]{0,47}$/;

describe("run ids", () => {
  it("fit the machine layer's domain-name rule even with a retry suffix", () => {
    for (const id of [
      "verify-timeout-classification",
      "A.Very_Long.Scenario-Name-That-Goes-On-And-On-Forever",
      "x",
    ]) {
      const runId = newRunId(id, new Date(Date.UTC(2026, 10, 29)), "beef");
      expect(runId.length).toBeLessThanOrEqual(RUN_ID_MAX);
      expect(`${runId}-r2`).toMatch(DOMAIN_RULE);
      expect(runId.startsWith("run-")).toBe(true);
    }
    expect(newRunId("verify-x", new Date(0), "beef")).toBe("run-0beef-verify-x");
  });
});
