/**
 * Cross-field rules of a scenario that a per-field schema cannot express: step ids and assertion ids are
 * unique, every step names what its type needs, and every assertion that names a step names one that
 * exists (checked at load time, before any VM boots). Pure: returns issues with their document paths, in
 * a fixed order (the loader sorts them by position; issues at one position keep this order). The rules of
 * one step are in `step-rules.ts` and `harness-step-rules.ts`, those of assertions in `assertion-rules.ts`.
 */
import { assertionIssues, placeholderIssues } from "./assertion-rules.js";
import { addedRevisions, harnessStepIssues } from "./harness-step-rules.js";
import type { Scenario } from "./schema.js";
import { stepIssues } from "./step-rules.js";

type RepositoryEvolution = NonNullable<Scenario["fixtures"]["repository_evolution"]>;

export interface RuleIssue {
  path: (string | number)[];
  message: string;
  hint: string;
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
  const rev = scenario.fixtures.repository_evolution;
  const revisions = [
    ...(rev?.revisions ?? [scenario.fixtures.revision_under_test]),
    ...addedRevisions(scenario),
  ];
  return [
    ...duplicateIdIssues(
      scenario.steps.map((s) => s.step_id),
      "steps",
      "step_id",
      "give every step its own id",
    ),
    ...scenario.steps.flatMap((step, i) => [...stepIssues(step, i), ...harnessStepIssues(step, i)]),
    ...installationIssues(scenario),
    ...duplicateIdIssues(
      scenario.assertions.map((a) => a.assertion_id),
      "assertions",
      "assertion_id",
      "give every assertion its own id",
    ),
    ...assertionIssues(scenario),
    ...placeholderIssues(scenario, revisions),
    ...(rev === undefined ? [] : revisionIssues(scenario, rev)),
  ];
}

function duplicateIdIssues(ids: string[], list: string, field: string, hint: string): RuleIssue[] {
  return [...duplicates(ids)].map(([id, i]) => ({
    path: [list, i, field],
    message: `${field} "${id}" is used twice`,
    hint,
  }));
}

function installationIssues(scenario: Scenario): RuleIssue[] {
  if (scenario.installation === undefined || scenario.host !== undefined) return [];
  return [
    {
      path: ["installation"],
      message: "an installation through Ignition needs the scenario's `host` (it becomes the host name)",
      hint: "add `host: <the fixture's hosts/<host>/ directory name>`",
    },
  ];
}

/**
 * The fixture's revisions are listed once, and every revision a step or the installation names is one of
 * them (or one an `add_revision` step creates, `main`, or a commit id).
 */
function revisionIssues(scenario: Scenario, rev: RepositoryEvolution): RuleIssue[] {
  const issues: RuleIssue[] = [];
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
  return issues;
}
