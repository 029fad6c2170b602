/**
 * Outcome classification, by who is at fault (ARCHITECTURE.md "How a scenario flows through the harness"). Pure.
 * 1. a bring-up failure, by the class of its error: infrastructure_failure, timeout (readiness timed out)
 *    or harness_error (a bug);
 * 2. any step timed out: timeout; 3. a failed coreops_action: assertion_failure;
 * 4. any other failed step: infrastructure_failure; 5. console/journal checks with severity fail:
 *    infrastructure_failure; 6. assertions: timed out → timeout, failed → assertion_failure,
 *    all passed → passed, anything else → harness_error.
 * `expected_outcome` turns exactly that outcome into `passed` with a warning; any other result of a
 * designed failure is an assertion_failure (the design did not hold). A failure before the steps ran
 * (bring-up, harness bug) is never taken for the designed one.
 */
import type { AssertionResult } from "../assertions/types.js";
import type { Outcome } from "../scenario/schema.js";
import type { StepResult } from "../steps/result.js";
import type { BringUpFault } from "./bring-up.js";

export interface ClassifyInput {
  bringUp: { ok: true } | { ok: false; fault: BringUpFault; message: string };
  harnessError?: string;
  steps: readonly StepResult[];
  assertions: readonly AssertionResult[];
  failingChecks: readonly string[];
  expectedOutcome?: Exclude<Outcome, "passed">;
}

export interface Classification {
  /** What actually happened. */
  observed: Outcome;
  /** After `expected_outcome`. */
  outcome: Outcome;
  summary: string;
  warnings: string[];
}

const BRING_UP_OUTCOME: Record<BringUpFault, Outcome> = {
  infrastructure: "infrastructure_failure",
  timeout: "timeout",
  harness: "harness_error",
};

const SUMMARY: Record<Outcome, string> = {
  passed: "all steps and assertions passed",
  assertion_failure: "one or more verification assertions failed",
  infrastructure_failure: "guest provisioning or command execution failed",
  timeout: "verification timed out",
  harness_error: "the harness failed (a bug in core-ops-verify, not in the scenario or the guest)",
};

function observe(input: ClassifyInput): { outcome: Outcome; detail: string } {
  if (input.harnessError !== undefined) return { outcome: "harness_error", detail: input.harnessError };
  if (!input.bringUp.ok) {
    return { outcome: BRING_UP_OUTCOME[input.bringUp.fault], detail: input.bringUp.message };
  }
  const timedOut = input.steps.find((s) => s.status === "timed_out");
  if (timedOut) return { outcome: "timeout", detail: `step ${timedOut.step_id}: ${timedOut.details}` };
  const failedAction = input.steps.find((s) => s.status === "failed" && s.step_type === "coreops_action");
  if (failedAction) {
    return {
      outcome: "assertion_failure",
      detail: `core-ops action reported behavioral failure in step ${failedAction.step_id}: ${failedAction.details}`,
    };
  }
  const failedStep = input.steps.find((s) => s.status === "failed");
  if (failedStep)
    return { outcome: "infrastructure_failure", detail: `step ${failedStep.step_id}: ${failedStep.details}` };
  if (input.failingChecks.length > 0) {
    return {
      outcome: "infrastructure_failure",
      detail: `guest checks failed: ${input.failingChecks.join(", ")}`,
    };
  }
  const a = input.assertions;
  const t = a.find((x) => x.status === "timed_out");
  if (t) return { outcome: "timeout", detail: `assertion ${t.assertion_id} timed out` };
  const f = a.filter((x) => x.status === "failed");
  if (f.length > 0) {
    return {
      outcome: "assertion_failure",
      detail: f.map((x) => `${x.assertion_id}: ${x.message}`).join("; "),
    };
  }
  if (a.length > 0 && a.every((x) => x.status === "passed")) return { outcome: "passed", detail: "" };
  return { outcome: "harness_error", detail: "some assertions were not evaluated" };
}

export function classify(input: ClassifyInput): Classification {
  const { outcome: observed, detail } = observe(input);
  const summary = observed === "passed" ? SUMMARY.passed : `${SUMMARY[observed]}: ${detail}`;
  const expected = input.expectedOutcome;
  if (expected === undefined) return { observed, outcome: observed, summary, warnings: [] };
  // A designed failure is a claim about the scenario's steps; a guest that never came up (or a harness
  // bug) did not test it, so those outcomes stand as they are.
  if (!input.bringUp.ok || input.harnessError !== undefined) {
    return {
      observed,
      outcome: observed,
      summary,
      warnings: [
        `the designed outcome ${expected} was not tested: ${observed} before the scenario's steps ran`,
      ],
    };
  }
  if (observed === expected) {
    return {
      observed,
      outcome: "passed",
      summary: `designed failure observed as designed (${expected}): ${detail}`,
      warnings: [`expected scenario outcome ${expected} observed as designed`],
    };
  }
  return {
    observed,
    outcome: "assertion_failure",
    summary: `expected the designed outcome ${expected} but observed ${observed}${detail ? `: ${detail}` : ""}`,
    warnings: [],
  };
}

/** A corpus passes only when every scenario passed; otherwise the most severe class wins. */
export function corpusOutcome(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.every((o) => o === "passed")) return "passed";
  for (const o of ["infrastructure_failure", "timeout", "harness_error", "assertion_failure"] as const) {
    if (outcomes.includes(o)) return o;
  }
  return "harness_error";
}
