/**
 * Rules of assertions that their schema cannot express (`validate.ts`): every step an assertion names
 * exists (and an `until` step comes after its `step`), a unit_state assertion checks something, a value
 * match names exactly one of equals, contains, matches, and every `${name}` placeholder is known. Pure.
 */
import { expectationTexts, placeholderNameIsKnown, placeholderNames } from "./placeholders.js";
import type { Assertion, Scenario, Step } from "./schema.js";
import type { RuleIssue } from "./validate.js";

type Path = (string | number)[];
/** Issues for a step name that the scenario does not have (none when it has it). */
type StepReference = (path: Path, step: string) => RuleIssue[];
type UnitStateAssertion = Extract<Assertion, { assertion_type: "unit_state" }>;

export function assertionIssues(scenario: Scenario): RuleIssue[] {
  const ref = stepReference(scenario.steps);
  return scenario.assertions.flatMap((a, i) => [
    ...stepReferenceIssues(a, i, scenario.steps, ref),
    ...valueMatchIssues(a, i),
  ]);
}

/** Placeholders in expectations name build values or one of `revisions` (the fixture's and added ones). */
export function placeholderIssues(scenario: Scenario, revisions: string[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
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
  return issues;
}

function stepReference(steps: Step[]): StepReference {
  const stepIds = steps.map((s) => s.step_id);
  const known = new Set(stepIds);
  const list = stepIds.join(", ");
  return (path, step) =>
    known.has(step)
      ? []
      : [
          {
            path,
            message: `names step "${step}", which this scenario does not have`,
            hint: `use one of: ${list}`,
          },
        ];
}

function stepReferenceIssues(a: Assertion, i: number, steps: Step[], ref: StepReference): RuleIssue[] {
  switch (a.assertion_type) {
    case "step_command_contains":
    case "step_command_not_contains":
    case "step_stdout_contains":
    case "step_stderr_contains":
    case "step_stdout_equals":
    case "step_exit_code_is":
    case "step_duration_within_ms":
    case "json_path":
      return ref(["assertions", i, "target"], a.target);
    case "no_pending_changes":
    case "output_contains":
      return a.target !== undefined && a.target !== "guest" ? ref(["assertions", i, "target"], a.target) : [];
    case "unit_state":
      return unitStateIssues(a, i, steps, ref);
    case "file":
    case "state_file":
      return [];
  }
}

function unitStateIssues(a: UnitStateAssertion, i: number, steps: Step[], ref: StepReference): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const key of ["unchanged_since", "changed_since"] as const) {
    const rule = a[key];
    if (!rule) continue;
    issues.push(...ref(["assertions", i, key, "step"], rule.step));
    if (rule.until === undefined) continue;
    issues.push(...ref(["assertions", i, key, "until"], rule.until));
    const from = steps.findIndex((s) => s.step_id === rule.step);
    const to = steps.findIndex((s) => s.step_id === rule.until);
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
  return issues;
}

function valueMatchIssues(a: Assertion, i: number): RuleIssue[] {
  if (a.assertion_type !== "json_path" && a.assertion_type !== "state_file") return [];
  const given = ["equals", "contains", "matches"].filter(
    (k) => k in a && a[k as keyof typeof a] !== undefined,
  );
  if (given.length === 1) return [];
  return [
    {
      path: ["assertions", i],
      message: `a ${a.assertion_type} assertion needs exactly one of equals, contains, matches (has ${given.length})`,
      hint: "e.g. `equals: 0` or `matches: ^converged`",
    },
  ];
}
