/**
 * The assertions phase of a scenario run: every assertion evaluated against the guest after the steps (or
 * not evaluated, naming why, when a step timed out). `no_pending_changes` may run a plan of its own.
 */
import { evaluateAssertion, notEvaluated, unitPrefetch } from "../assertions/evaluate.js";
import { GuestFacts } from "../assertions/guest-facts.js";
import type { AssertionResult } from "../assertions/types.js";
import { errorText } from "../faults.js";
import type { Step } from "../scenario/schema.js";
import type { ActionContext } from "../steps/render-action.js";
import { runStep } from "../steps/run-step.js";
import type { ScenarioMachine } from "../steps/verbs.js";
import type { StepsDone } from "./phase-steps.js";
import type { RunContext } from "./run-context.js";

/** The plan an assertion runs itself when its named step was not a plan. */
const HARNESS_PLAN: Step = {
  step_id: "harness-plan",
  step_type: "coreops_action",
  target: "guest",
  action: { action: "plan", mode: "json" },
};

export async function runAssertions(
  ctx: RunContext,
  vm: ScenarioMachine,
  action: ActionContext,
  done: StepsDone,
  placeholders: ReadonlyMap<string, string>,
): Promise<AssertionResult[]> {
  const { log, policy, deadline } = ctx;
  const { assertions } = ctx.loaded.scenario;
  const { stopped } = done;
  const facts = new GuestFacts(vm);
  if (stopped !== undefined) return assertions.map((a) => notEvaluated(a, stopped));
  await facts
    .prefetchUnits(unitPrefetch(assertions))
    .catch((err) => log.info(`unit prefetch failed: ${errorText(err)}`));
  const steps = new Map(done.steps.map((s) => [s.step_id, s]));
  const out: AssertionResult[] = [];
  for (const a of assertions) {
    out.push(
      await evaluateAssertion(a, {
        steps,
        vm,
        facts,
        snapshots: done.snapshots,
        placeholders,
        runPlan: () =>
          runStep(HARNESS_PLAN, {
            vm,
            action,
            log,
            defaultTimeoutMs: policy.timeouts.perStepMs.coreops_action,
            deadline,
          }),
      }),
    );
  }
  return out;
}
