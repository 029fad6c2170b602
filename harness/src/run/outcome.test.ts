import { describe, expect, it } from "vitest";
import type { AssertionResult } from "../assertions/types.js";
import type { StepResult } from "../steps/result.js";
import { type ClassifyInput, classify, corpusOutcome } from "./outcome.js";

const step = (over: Partial<StepResult>): StepResult => ({
  step_id: "s",
  step_type: "guest_command",
  status: "passed",
  details: "",
  command: "",
  exit_code: 0,
  stdout: "",
  stderr: "",
  duration_ms: 1,
  started_at: "",
  completed_at: "",
  attempts: 1,
  ...over,
});
const assertion = (status: AssertionResult["status"]): AssertionResult => ({
  assertion_id: "a",
  assertion_type: "output_contains",
  status,
  expected: "",
  observed_value: "",
  message: "m",
  evidence_refs: [],
});
const input = (over: Partial<ClassifyInput>): ClassifyInput => ({
  bringUp: { ok: true },
  steps: [step({})],
  assertions: [assertion("passed")],
  failingChecks: [],
  ...over,
});

describe("outcome classification", () => {
  it("passes when every step and assertion passed", () => {
    expect(classify(input({})).outcome).toBe("passed");
  });
  it("classes by who is at fault", () => {
    expect(classify(input({ steps: [step({ status: "timed_out" })] })).outcome).toBe("timeout");
    expect(
      classify(input({ steps: [step({ status: "failed", step_type: "coreops_action" })] })).outcome,
    ).toBe("assertion_failure");
    expect(classify(input({ steps: [step({ status: "failed" })] })).outcome).toBe("infrastructure_failure");
    expect(classify(input({ assertions: [assertion("failed")] })).outcome).toBe("assertion_failure");
    expect(classify(input({ bringUp: { ok: false, fault: "timeout", message: "m" } })).outcome).toBe(
      "timeout",
    );
    expect(classify(input({ bringUp: { ok: false, fault: "infrastructure", message: "m" } })).outcome).toBe(
      "infrastructure_failure",
    );
    expect(classify(input({ bringUp: { ok: false, fault: "harness", message: "m" } })).outcome).toBe(
      "harness_error",
    );
    expect(classify(input({ harnessError: "bug" })).outcome).toBe("harness_error");
    expect(classify(input({ failingChecks: ["kernel-panic"] })).outcome).toBe("infrastructure_failure");
    expect(classify(input({ assertions: [assertion("not_evaluated")] })).outcome).toBe("harness_error");
  });
  it("turns exactly the expected outcome into a pass with a warning", () => {
    const c = classify(input({ steps: [step({ status: "timed_out" })], expectedOutcome: "timeout" }));
    expect(c).toMatchObject({ observed: "timeout", outcome: "passed" });
    expect(c.warnings).toEqual(["expected scenario outcome timeout observed as designed"]);
    const wrong = classify(input({ expectedOutcome: "timeout" }));
    expect(wrong).toMatchObject({ observed: "passed", outcome: "assertion_failure" });
    expect(wrong.summary).toContain("expected the designed outcome timeout but observed passed");
  });
  it("never takes a bring-up failure for the designed one", () => {
    const c = classify(
      input({
        bringUp: { ok: false, fault: "infrastructure", message: "virsh define failed" },
        expectedOutcome: "infrastructure_failure",
      }),
    );
    expect(c).toMatchObject({ observed: "infrastructure_failure", outcome: "infrastructure_failure" });
    expect(c.warnings[0]).toContain("was not tested");
  });
  it("a corpus passes only when all passed; otherwise the most severe class", () => {
    expect(corpusOutcome(["passed", "passed"])).toBe("passed");
    expect(corpusOutcome(["assertion_failure", "timeout", "passed"])).toBe("timeout");
    expect(corpusOutcome(["assertion_failure", "infrastructure_failure"])).toBe("infrastructure_failure");
  });
});
