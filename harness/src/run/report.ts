/**
 * The `verification_run` JSON document, single-scenario and corpus shapes, built
 * from the run records as `verification-run.ts` defines them. Pure; `--json` prints exactly one of these.
 */

import { corpusOutcome } from "./outcome.js";
import type { RunMode, ScenarioRun } from "./types.js";
import type { CorpusVerificationRun, ScenarioVerificationRun } from "./verification-run.js";
import { BUILD_VERSION } from "./version.js";

export function verificationRunDocument(
  run: Omit<ScenarioRun, "bundle">,
  bundlePath: string,
): ScenarioVerificationRun {
  const s = run.loaded.scenario;
  return {
    view_kind: "verification_run",
    run_id: run.runId,
    mode: run.mode,
    controller_version: BUILD_VERSION,
    revision_selection_basis: "single_scenario",
    revision_under_test: s.fixtures.revision_under_test,
    started_at: run.startedAt.toISOString(),
    completed_at: run.completedAt.toISOString(),
    scenario_id: s.scenario_id,
    title: s.title,
    scenario_file: run.loaded.file,
    overall_outcome: run.classification.outcome,
    observed_outcome: run.classification.observed,
    expected_outcome: s.expected_outcome ?? null,
    artifact_bundle: { bundle_path: bundlePath },
    environment_retained: run.environmentRetained,
    access: run.access ?? null,
    step_results: run.steps,
    assertion_results: run.assertions,
    guest_checks: run.findings,
    fixture_commits: run.fixtureCommits,
    warnings: run.warnings,
    failure_summary: run.classification.observed === "passed" ? null : run.classification.summary,
    regression_summary: s.fixtures.repository_evolution
      ? `${run.fixtureCommits.length} fixture revisions replayed`
      : null,
    promotion_status:
      s.source === "accepted" && s.scenario_classes.includes("regression_detection")
        ? run.classification.outcome === "passed"
          ? "retained"
          : "failing"
        : null,
    readiness_evidence: run.readiness,
    timeline: run.timeline.toJSON(run.completedAt),
  };
}

export function singleRunDocument(run: ScenarioRun): ScenarioVerificationRun {
  return {
    ...verificationRunDocument(run, run.bundle.bundle_path),
    artifact_bundle: run.bundle,
  };
}

export function corpusRunDocument(
  runId: string,
  mode: RunMode,
  runs: readonly ScenarioRun[],
  startedAt: Date,
): CorpusVerificationRun {
  const revs = [...new Set(runs.map((r) => r.loaded.scenario.fixtures.revision_under_test))];
  return {
    view_kind: "verification_run",
    run_id: runId,
    mode,
    controller_version: BUILD_VERSION,
    revision_selection_basis: "accepted_corpus",
    revision_under_test: revs.length === 1 && revs[0] !== undefined ? revs[0] : "accepted-corpus",
    overall_outcome: corpusOutcome(runs.map((r) => r.classification.outcome)),
    started_at: startedAt.toISOString(),
    completed_at: new Date().toISOString(),
    scenario_outcomes: runs.map((r) => ({
      scenario_id: r.loaded.scenario.scenario_id,
      revision_under_test: r.loaded.scenario.fixtures.revision_under_test,
      outcome: r.classification.outcome,
      observed_outcome: r.classification.observed,
      failure_summary: r.classification.observed === "passed" ? null : r.classification.summary,
      bundle_path: r.bundle.bundle_path,
      assertion_results: r.assertions.map((a) => ({
        assertion_id: a.assertion_id,
        status: a.status,
        observed_value: a.observed_value,
        evidence_refs: a.evidence_refs,
      })),
    })),
    artifacts: {
      bundle_paths: runs.map((r) => r.bundle.bundle_path),
      environment_retained: runs.some((r) => r.environmentRetained),
    },
  };
}
