/**
 * The scenario's fixture directories, checked against the file system when the scenario is loaded: each is
 * below `repos/` (also after symlinks), and the ones the run materializes exist. Returns issues with their
 * document paths, like `validate.ts`.
 */
import { checkFixturePath } from "./fixture-path.js";
import type { Scenario } from "./schema.js";
import type { RuleIssue } from "./validate.js";

export function fixtureIssues(scenario: Scenario, reposRoot: string): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const check = (path: (string | number)[], rel: string, mustExist: boolean): boolean => {
    const r = checkFixturePath(reposRoot, rel, mustExist);
    if (!r.ok) issues.push({ path, message: r.message, hint: r.hint });
    return r.ok;
  };
  const evo = scenario.fixtures.repository_evolution;
  check(["fixtures", "repo_fixture"], scenario.fixtures.repo_fixture, evo === undefined);
  if (
    evo !== undefined &&
    check(["fixtures", "repository_evolution", "history_fixture"], evo.history_fixture, true)
  ) {
    evo.revisions.forEach((rev, i) => {
      check(["fixtures", "repository_evolution", "revisions", i], `${evo.history_fixture}/${rev}`, true);
    });
  }
  for (const field of ["config_inputs", "test_data"] as const) {
    scenario.fixtures[field].forEach((rel, i) => {
      check(["fixtures", field, i], rel, true);
    });
  }
  scenario.steps.forEach((step, i) => {
    const op = step.harness_operation;
    if (op?.operation === "add_revision") check(["steps", i, "harness_operation", "tree"], op.tree, true);
  });
  return issues;
}
