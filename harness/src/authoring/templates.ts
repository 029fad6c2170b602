/**
 * Starting points for generated candidates, one per scenario class: semantic `coreops_action` steps (the
 * harness renders the commands) and structured assertions on durable records — the `apply --json` outcome,
 * `status.json`, a `plan --json` with nothing pending — so an author reviewing a candidate mostly edits
 * fixtures and adds the claim's own assertions. Where a class needs something only the author knows (the
 * drift to make, the object to explain), the step is a placeholder that fails until edited, and says so.
 * Pure.
 */
import type { z } from "zod";
import type { AssertionSchema, ScenarioClass, StepSchema } from "../scenario/schema.js";

export type StepInput = z.input<typeof StepSchema>;
export type AssertionInput = z.input<typeof AssertionSchema>;

export interface CandidateFixture {
  repo_fixture: string;
  /** Oldest first; the first is applied first, the second (when there is one) is the upgrade. */
  revisions: string[];
  host: string;
  /** The object an `explain` step explains. */
  object?: string;
}

export interface Template {
  steps: StepInput[];
  assertions: AssertionInput[];
  /** Fields the author must fill in before the candidate can pass (`steps[2].command`). */
  placeholders: { field: string; message: string }[];
}

/** A command that fails until the author replaces it, naming what to write. */
export function placeholderCommand(what: string): string {
  return `echo 'REVIEW: replace this step with ${what.replace(/'/g, "")}' >&2; exit 1`;
}

const applyJson = (id: string): StepInput => ({
  step_id: id,
  step_type: "coreops_action",
  action: { action: "apply", mode: "json" },
});
const planJson = (id: string): StepInput => ({
  step_id: id,
  step_type: "coreops_action",
  action: { action: "plan", mode: "json" },
});
const init = (rev: string, force = false): StepInput => ({
  step_id: `init-${rev}`,
  step_type: "coreops_action",
  action: { action: "init", revision: rev, ...(force ? { force: true } : {}) },
});

const converged = (step: string): AssertionInput => ({
  assertion_id: `${step}-converges`,
  assertion_type: "json_path",
  target: step,
  path: "outcome",
  matches: "^converged",
});
const nothingPending = (step: string): AssertionInput => ({
  assertion_id: "nothing-pending",
  assertion_type: "no_pending_changes",
  target: step,
});
const lastApplied = (rev: string): AssertionInput => ({
  assertion_id: `state-records-${rev}`,
  assertion_type: "state_file",
  path: "reconciliation.last_applied_revision",
  equals: `\${fixture.${rev}}`,
});

function base(f: CandidateFixture): { first: string; steps: StepInput[] } {
  const first = f.revisions[0] ?? "v1";
  return { first, steps: [init(first), applyJson(`apply-${first}`)] };
}

function upgrade(f: CandidateFixture, failing: boolean): Template {
  const { first, steps } = base(f);
  const next = f.revisions[1] ?? first;
  const applyNext: StepInput = {
    ...applyJson(`apply-${next}`),
    ...(failing ? { expected_exit_behavior: "nonzero" as const } : {}),
  };
  steps.push(init(next, true), applyNext);
  if (!failing) {
    steps.push(planJson("plan-after"));
    return {
      steps,
      assertions: [converged(`apply-${next}`), nothingPending("plan-after"), lastApplied(next)],
      placeholders: [],
    };
  }
  const assertions: AssertionInput[] = [
    {
      assertion_id: `apply-${next}-does-not-converge`,
      assertion_type: "json_path",
      target: `apply-${next}`,
      path: "outcome",
      matches: "^(non_converging|partially_applied|failed)$",
    },
    { ...lastApplied(first), assertion_id: `last-applied-stays-${first}` },
    {
      assertion_id: "failure-recorded",
      assertion_type: "state_file",
      path: "last_failure.revision",
      equals: `\${fixture.${next}}`,
    },
  ];
  return { steps, assertions, placeholders: [] };
}

function withMutation(f: CandidateFixture, step: StepInput, what: string): Template {
  const { first, steps } = base(f);
  const at = steps.length;
  steps.push(step, planJson("plan-sees-it"), applyJson("apply-again"), planJson("plan-after"));
  return {
    steps,
    assertions: [converged(`apply-${first}`), converged("apply-again"), nothingPending("plan-after")],
    placeholders: step.command?.startsWith("echo 'REVIEW:")
      ? [{ field: `steps[${at}].command`, message: `write ${what}` }]
      : [],
  };
}

function idempotent(f: CandidateFixture): Template {
  const { first, steps } = base(f);
  steps.push(applyJson(`reapply-${first}`), planJson("plan-after"));
  const unchanged: AssertionInput = {
    assertion_id: "reapply-changes-nothing",
    assertion_type: "json_path",
    target: `reapply-${first}`,
    path: "summary.changed_count",
    equals: 0,
  };
  return {
    steps,
    assertions: [converged(`reapply-${first}`), unchanged, nothingPending("plan-after")],
    placeholders: [],
  };
}

function explained(f: CandidateFixture): Template {
  const { first, steps } = base(f);
  const object = f.object ?? "REVIEW-object-to-explain";
  steps.push({
    step_id: "explain",
    step_type: "coreops_action",
    action: { action: "explain", object, mode: "json" },
  });
  const placeholders =
    f.object === undefined
      ? [{ field: `steps[${steps.length - 1}].action.object`, message: "name the object the claim is about" }]
      : [];
  return { steps, assertions: [converged(`apply-${first}`)], placeholders };
}

/** The template for a class; classes without their own shape get the convergence one, flagged. */
export function templateFor(cls: ScenarioClass, f: CandidateFixture): Template & { generic: boolean } {
  const { first, steps } = base(f);
  switch (cls) {
    case "idempotency":
      return { ...idempotent(f), generic: false };
    case "upgrade_transition":
      return { ...upgrade(f, false), generic: false };
    case "regression_detection":
      return { ...upgrade(f, true), generic: false };
    case "drift_correction": {
      const what = "the hand-made drift this claim describes (a guest command as root)";
      const mutate: StepInput = {
        step_id: "make-drift",
        step_type: "mutate_state",
        command: placeholderCommand(what),
      };
      return { ...withMutation(f, mutate, what), generic: false };
    }
    case "reboot_resilience":
      return { ...withMutation(f, { step_id: "reboot", step_type: "reboot" }, ""), generic: false };
    case "explain_apply_consistency":
      return { ...explained(f), generic: false };
    default:
      steps.push(planJson("plan-after"));
      return {
        steps,
        assertions: [converged(`apply-${first}`), nothingPending("plan-after"), lastApplied(first)],
        placeholders: [],
        generic: cls !== "convergence",
      };
  }
}
