/**
 * Evaluates every assertion of a scenario, one evaluator per type. An evaluator that throws (bad JSON,
 * guest gone) yields `failed` with the reason, never an unevaluated silence.
 */

import { resolvePlaceholders } from "../scenario/placeholders.js";
import type { Assertion } from "../scenario/schema.js";
import { fileAssertion } from "./file.js";
import { jsonPath } from "./json-path-assertion.js";
import { noPendingChanges } from "./no-pending-changes.js";
import { outputContains } from "./output-contains.js";
import { stateFile } from "./state-file.js";
import { stepCommandContains } from "./step-command-contains.js";
import { stepCommandNotContains } from "./step-command-not-contains.js";
import { stepDurationWithinMs } from "./step-duration-within-ms.js";
import { stepExitCodeIs } from "./step-exit-code-is.js";
import { stepStdoutEquals } from "./step-stdout-equals.js";
import { stepStreamContains } from "./step-stream-contains.js";
import type { AssertionContext, AssertionResult, Verdict } from "./types.js";
import { unitState, unitStateProperties } from "./unit-state.js";

function dispatch(a: Assertion, ctx: AssertionContext): Promise<Verdict> {
  switch (a.assertion_type) {
    case "no_pending_changes":
      return noPendingChanges(a, ctx);
    case "output_contains":
      return outputContains(a, ctx);
    case "step_command_contains":
      return stepCommandContains(a, ctx);
    case "step_command_not_contains":
      return stepCommandNotContains(a, ctx);
    case "step_stdout_contains":
    case "step_stderr_contains":
      return stepStreamContains(a, ctx);
    case "step_stdout_equals":
      return stepStdoutEquals(a, ctx);
    case "step_exit_code_is":
      return stepExitCodeIs(a, ctx);
    case "step_duration_within_ms":
      return stepDurationWithinMs(a, ctx);
    case "json_path":
      return jsonPath(a, ctx);
    case "unit_state":
      return unitState(a, ctx);
    case "file":
      return fileAssertion(a, ctx);
    case "state_file":
      return stateFile(a, ctx);
    default: {
      const never: never = a;
      throw new Error(`unknown assertion type ${JSON.stringify(never)}`);
    }
  }
}

export async function evaluateAssertion(given: Assertion, ctx: AssertionContext): Promise<AssertionResult> {
  let a = given;
  try {
    a = resolvePlaceholders(given, ctx.placeholders);
    const v = await dispatch(a, ctx);
    const message =
      v.status === "passed"
        ? ""
        : (a.failure_message ?? `expected ${v.expected}; observed ${v.observed_value}`);
    return { assertion_id: a.assertion_id, assertion_type: a.assertion_type, message, ...v };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      assertion_id: a.assertion_id,
      assertion_type: a.assertion_type,
      status: "failed",
      expected: a.failure_message ?? a.assertion_type,
      observed_value: reason,
      message: `${a.failure_message ? `${a.failure_message}: ` : ""}${reason}`,
      evidence_refs: [],
    };
  }
}

/** Unit → properties read by all unit_state assertions (prefetched with one guest command). */
export function unitPrefetch(assertions: readonly Assertion[]): Map<string, Set<string>> {
  const wanted = new Map<string, Set<string>>();
  for (const a of assertions) {
    if (a.assertion_type !== "unit_state") continue;
    const props = wanted.get(a.unit) ?? new Set<string>();
    for (const p of unitStateProperties(a)) props.add(p);
    wanted.set(a.unit, props);
  }
  return wanted;
}

/** Assertions that could not be evaluated because the run stopped early (bring-up failure, timeout). */
export function notEvaluated(a: Assertion, why: string): AssertionResult {
  return {
    assertion_id: a.assertion_id,
    assertion_type: a.assertion_type,
    status: "not_evaluated",
    expected: a.assertion_type,
    observed_value: "",
    message: why,
    evidence_refs: [],
  };
}
