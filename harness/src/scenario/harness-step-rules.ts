/**
 * Rules of `target: harness` steps (scenarios/README.md "Harness steps"): such a step is a `mutate_state`
 * with a structured `harness_operation` on the fixture repository and nothing else — the harness runs no
 * shell command on the CI host. A `harness_operation` belongs to `target: harness` only. Pure.
 */
import type { Scenario, Step } from "./schema.js";
import type { RuleIssue } from "./validate.js";

export function harnessStepIssues(step: Step, index: number): RuleIssue[] {
  const at = (field: string) => ["steps", index, field];
  const issues: RuleIssue[] = [];
  const op = step.harness_operation;
  if (step.target !== "harness") {
    if (op !== undefined) {
      issues.push({
        path: at("harness_operation"),
        message: `step "${step.step_id}" has a \`harness_operation\` but target ${step.target}`,
        hint: "add `target: harness` (the operation acts on the fixture repository on the harness host)",
      });
    }
    return issues;
  }
  if (step.command !== undefined) {
    issues.push({
      path: at("command"),
      message: `step "${step.step_id}": a target: harness step runs no shell command on the CI host`,
      hint: "use `harness_operation: {operation: move_ref, ref: main, revision: v2}` (or add_revision), or target: guest to run the command in the guest",
    });
  }
  if (step.step_type !== "mutate_state") {
    issues.push({
      path: at("target"),
      message: `target: harness only applies to mutate_state steps, not ${step.step_type}`,
      hint: "use `step_type: mutate_state` with a `harness_operation`, or drop `target: harness`",
    });
  }
  if (op === undefined) {
    issues.push({
      path: ["steps", index],
      message: `step "${step.step_id}" has target: harness but no \`harness_operation\``,
      hint: "add `harness_operation: {operation: move_ref, ref: main, revision: v2}` (or add_revision)",
    });
  }
  for (const field of ["fixture_ref", "action"] as const) {
    if (step[field] !== undefined) {
      issues.push({
        path: at(field),
        message: `\`${field}\` does not belong to a target: harness step`,
        hint: "a harness step does one `harness_operation`; put the rest in its own step",
      });
    }
  }
  return issues;
}

/** Revisions the scenario's `add_revision` operations create, in step order. */
export function addedRevisions(scenario: Scenario): string[] {
  return scenario.steps.flatMap((s) =>
    s.harness_operation?.operation === "add_revision" ? [s.harness_operation.revision] : [],
  );
}
