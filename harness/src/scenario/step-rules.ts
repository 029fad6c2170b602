/**
 * Rules of one step that its schema cannot express (`validate.ts`): a step has the fields its type needs
 * (an `action` for coreops_action, a `command` for guest_command and mutate_state, or a `fixture_ref` move)
 * and none of the others, and an action has what its kind needs. Pure.
 */
import type { CoreOpsAction, Step } from "./schema.js";
import type { RuleIssue } from "./validate.js";

export function stepIssues(step: Step, index: number): RuleIssue[] {
  const action = step.action;
  return [
    ...stepFieldIssues(step, index),
    ...(action === undefined ? [] : actionIssues(action, ["steps", index, "action"])),
  ];
}

/** Which of `action`, `command` and `fixture_ref` the step's type needs, and which it must not have. */
function stepFieldIssues(step: Step, index: number): RuleIssue[] {
  const at = (field: string) => ["steps", index, field];
  const issues: RuleIssue[] = [];
  const needsAction = step.step_type === "coreops_action";
  const movesRef = step.fixture_ref !== undefined;
  const onHarness = step.target === "harness";
  const needsCommand =
    step.step_type === "guest_command" || (step.step_type === "mutate_state" && !movesRef && !onHarness);
  if (movesRef && step.step_type !== "mutate_state") {
    issues.push({
      path: at("fixture_ref"),
      message: `\`fixture_ref\` only belongs to mutate_state steps, not ${step.step_type}`,
      hint: "use `step_type: mutate_state` with `fixture_ref: {ref: main, revision: v2}`",
    });
  }
  if (movesRef && step.command !== undefined) {
    issues.push({
      path: at("command"),
      message: `step "${step.step_id}" has both \`fixture_ref\` and \`command\``,
      hint: "a mutate_state step either moves a fixture ref or runs a command; split it in two steps",
    });
  }
  if (needsAction && step.action === undefined) {
    issues.push({
      path: ["steps", index],
      message: `step "${step.step_id}" is a coreops_action but has no \`action\``,
      hint: "add `action: {action: apply}` (init, plan, apply, explain, status, agent or version)",
    });
  }
  if (!needsAction && step.action !== undefined) {
    issues.push({
      path: at("action"),
      message: `\`action\` only belongs to coreops_action steps, not ${step.step_type}`,
      hint: "remove it or change step_type to coreops_action",
    });
  }
  if (needsCommand && step.command === undefined) {
    issues.push({
      path: ["steps", index],
      message: `step "${step.step_id}" is a ${step.step_type} but has no \`command\``,
      hint: "add `command: <shell command run as root in the guest>`",
    });
  }
  if (!needsCommand && !movesRef && !onHarness && step.command !== undefined) {
    issues.push({
      path: at("command"),
      message: `\`command\` only belongs to guest_command and mutate_state steps, not ${step.step_type}`,
      hint: "remove it, or use a guest_command step",
    });
  }
  return issues;
}

/** What an action needs for its kind: init a revision, explain an object, rollback_to an apply. */
function actionIssues(action: CoreOpsAction, at: (string | number)[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (action.action === "init" && action.revision === undefined) {
    issues.push({
      path: [...at, "action"],
      message: "an init action needs a `revision` (a fixture tag or commit)",
      hint: "add `revision: v1`",
    });
  }
  if (action.action === "explain" && action.object === undefined) {
    issues.push({
      path: [...at, "action"],
      message: "an explain action needs an `object` to explain",
      hint: "add `object: frontend.service`",
    });
  }
  if (action.rollback_to !== undefined && action.action !== "apply") {
    issues.push({
      path: [...at, "rollback_to"],
      message: "`rollback_to` only applies to apply actions",
      hint: "use `action: apply` with `rollback_to`",
    });
  }
  return issues;
}
