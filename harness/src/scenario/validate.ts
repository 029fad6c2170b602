/**
 * Cross-field rules of a scenario that a per-field schema cannot express: step ids and assertion ids are
 * unique, every step names what its type needs, and every assertion that names a step names one that
 * exists (checked at load time, as the original did). Pure: returns issues with their document paths.
 */

import { addedRevisions, harnessStepIssues } from "./harness-step-rules.js";
import { expectationTexts, placeholderNameIsKnown, placeholderNames } from "./placeholders.js";
import type { Scenario, Step } from "./schema.js";

export interface RuleIssue {
  path: (string | number)[];
  message: string;
  hint: string;
}

function stepIssues(step: Step, index: number): RuleIssue[] {
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
  const action = step.action;
  if (action !== undefined) {
    if (action.action === "init" && action.revision === undefined) {
      issues.push({
        path: [...at("action"), "action"],
        message: "an init action needs a `revision` (a fixture tag or commit)",
        hint: "add `revision: v1`",
      });
    }
    if (action.action === "explain" && action.object === undefined) {
      issues.push({
        path: [...at("action"), "action"],
        message: "an explain action needs an `object` to explain",
        hint: "add `object: frontend.service`",
      });
    }
    if (action.rollback_to !== undefined && action.action !== "apply") {
      issues.push({
        path: [...at("action"), "rollback_to"],
        message: "`rollback_to` only applies to apply actions",
        hint: "use `action: apply` with `rollback_to`",
      });
    }
  }
  return issues;
}

function duplicates(ids: string[]): Map<string, number> {
  const seen = new Map<string, number>();
  const dup = new Map<string, number>();
  ids.forEach((id, i) => {
    if (seen.has(id)) dup.set(id, i);
    else seen.set(id, i);
  });
  return dup;
}

export function validateScenarioRules(scenario: Scenario): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const stepIds = scenario.steps.map((s) => s.step_id);
  const known = new Set(stepIds);
  const list = stepIds.join(", ");
  for (const [id, i] of duplicates(stepIds)) {
    issues.push({
      path: ["steps", i, "step_id"],
      message: `step_id "${id}" is used twice`,
      hint: "give every step its own id",
    });
  }
  scenario.steps.forEach((step, i) => {
    issues.push(...stepIssues(step, i), ...harnessStepIssues(step, i));
  });
  if (scenario.installation !== undefined && scenario.host === undefined) {
    issues.push({
      path: ["installation"],
      message: "an installation through Ignition needs the scenario's `host` (it becomes the host name)",
      hint: "add `host: <the fixture's hosts/<host>/ directory name>`",
    });
  }
  for (const [id, i] of duplicates(scenario.assertions.map((a) => a.assertion_id))) {
    issues.push({
      path: ["assertions", i, "assertion_id"],
      message: `assertion_id "${id}" is used twice`,
      hint: "give every assertion its own id",
    });
  }
  const ref = (path: (string | number)[], step: string) => {
    if (!known.has(step)) {
      issues.push({
        path,
        message: `names step "${step}", which this scenario does not have`,
        hint: `use one of: ${list}`,
      });
    }
  };
  scenario.assertions.forEach((a, i) => {
    switch (a.assertion_type) {
      case "step_command_contains":
      case "step_command_not_contains":
      case "step_stdout_contains":
      case "step_stderr_contains":
      case "step_stdout_equals":
      case "step_exit_code_is":
      case "step_duration_within_ms":
      case "json_path":
        ref(["assertions", i, "target"], a.target);
        break;
      case "no_pending_changes":
      case "output_contains":
        if (a.target !== undefined && a.target !== "guest") ref(["assertions", i, "target"], a.target);
        break;
      case "unit_state":
        for (const key of ["unchanged_since", "changed_since"] as const) {
          const rule = a[key];
          if (!rule) continue;
          ref(["assertions", i, key, "step"], rule.step);
          if (rule.until === undefined) continue;
          ref(["assertions", i, key, "until"], rule.until);
          const from = scenario.steps.findIndex((s) => s.step_id === rule.step);
          const to = scenario.steps.findIndex((s) => s.step_id === rule.until);
          if (from >= 0 && to >= 0 && to <= from) {
            issues.push({
              path: ["assertions", i, key, "until"],
              message: `until step "${rule.until}" does not come after step "${rule.step}"`,
              hint: "name a later step in `until`, or drop it to compare with the end of the run",
            });
          }
        }
        if (!a.expect && !a.unchanged_since && !a.changed_since) {
          issues.push({
            path: ["assertions", i],
            message: "a unit_state assertion checks nothing",
            hint: "add `expect: {ActiveState: active}`, `unchanged_since` or `changed_since`",
          });
        }
        break;
      case "file":
      case "state_file":
        break;
    }
    if (a.assertion_type === "json_path" || a.assertion_type === "state_file") {
      const given = ["equals", "contains", "matches"].filter(
        (k) => k in a && a[k as keyof typeof a] !== undefined,
      );
      if (given.length !== 1) {
        issues.push({
          path: ["assertions", i],
          message: `a ${a.assertion_type} assertion needs exactly one of equals, contains, matches (has ${given.length})`,
          hint: "e.g. `equals: 0` or `matches: ^converged`",
        });
      }
    }
  });
  const rev = scenario.fixtures.repository_evolution;
  const revisions = [
    ...(rev?.revisions ?? [scenario.fixtures.revision_under_test]),
    ...addedRevisions(scenario),
  ];
  scenario.assertions.forEach((a, i) => {
    for (const name of expectationTexts(a).flatMap(placeholderNames)) {
      if (!placeholderNameIsKnown(name, revisions))
        issues.push({
          path: ["assertions", i],
          message: `unknown placeholder \${${name}}`,
          hint: `use build.version, build.revision, build.tree_state, build.identity or fixture.<one of ${revisions.join(", ")}>`,
        });
    }
  });
  if (rev !== undefined) {
    const revs = new Set([...rev.revisions, ...addedRevisions(scenario)]);
    for (const [id, i] of duplicates(rev.revisions)) {
      issues.push({
        path: ["fixtures", "repository_evolution", "revisions", i],
        message: `revision "${id}" is listed twice`,
        hint: "list each revision once, oldest first",
      });
    }
    const unknown = (r: string) => !revs.has(r) && r !== "main" && !/^[0-9a-f]{7,40}$/.test(r);
    const check = (path: (string | number)[], r: string) => {
      if (unknown(r))
        issues.push({
          path,
          message: `revision "${r}" is not one of the fixture's revisions`,
          hint: `use one of: ${rev.revisions.join(", ")}, or main (the replayed branch)`,
        });
    };
    scenario.steps.forEach((step, i) => {
      const r = step.action?.revision;
      if (step.action?.action === "init" && r !== undefined) check(["steps", i, "action", "revision"], r);
      if (step.fixture_ref) check(["steps", i, "fixture_ref", "revision"], step.fixture_ref.revision);
      const op = step.harness_operation;
      if (op?.operation === "move_ref") check(["steps", i, "harness_operation", "revision"], op.revision);
    });
    if (scenario.installation) check(["installation", "at"], scenario.installation.at);
  }
  return issues;
}
