/** The files of a scenario's bundle (README.md "Debugging a failed scenario"), built from the run record. Pure. */
import type { BundleFile } from "../bundle/writer.js";
import type { HarnessLog } from "../harness-log.js";
import type { ResolvedPolicy } from "../scenario/profiles.js";
import { guestEvidenceWanted } from "./artifact-selection.js";
import { type FailedAttempt, failedAttemptConsoleFile } from "./bring-up.js";
import { verificationRunDocument } from "./report.js";
import type { ScenarioRun } from "./types.js";

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

function coreopsOutput(run: Omit<ScenarioRun, "bundle">): string {
  const parts = run.steps
    .filter((s) => s.step_type === "coreops_action")
    .map(
      (s) =>
        `### step ${s.step_id} (${s.status}, exit ${s.exit_code ?? "none"}, ${s.duration_ms} ms)\n$ ${s.command}\n${s.stdout}${s.stderr ? `\n--- stderr ---\n${s.stderr}` : ""}\n`,
    );
  return parts.length === 0 ? "(no core-ops action ran)\n" : parts.join("\n");
}

function regressionSummary(run: Omit<ScenarioRun, "bundle">): string | undefined {
  const evo = run.loaded.scenario.fixtures.repository_evolution;
  if (!evo) return undefined;
  const lines = [
    `scenario: ${run.loaded.scenario.scenario_id}`,
    `history fixture: repos/${evo.history_fixture}`,
    `outcome: ${run.classification.outcome} (observed ${run.classification.observed})`,
    "revisions (oldest first):",
    ...run.fixtureCommits.map((c) => `  ${c.commit.slice(0, 8)} (${c.revision}) ${c.commit}`),
  ];
  if (evo.states.length > 0) lines.push("states:", ...evo.states.map((s) => `  - ${s}`));
  if (evo.transition_expectations.length > 0) {
    lines.push("transition expectations:", ...evo.transition_expectations.map((s) => `  - ${s}`));
  }
  return `${lines.join("\n")}\n`;
}

function promotionStatus(run: Omit<ScenarioRun, "bundle">): string | undefined {
  const s = run.loaded.scenario;
  if (s.source !== "accepted" || !s.scenario_classes.includes("regression_detection")) return undefined;
  const ok = run.classification.outcome === "passed";
  return `${s.scenario_id}: accepted regression scenario; ${
    ok
      ? "passes and stays in the corpus as a permanent regression entry"
      : "FAILS: a regression is present; fix it before release"
  }\n`;
}

/** What the run record does not hold: the log, the console, the Ignition config, the guest evidence. */
export interface BundleExtra {
  log: HarnessLog;
  consoleText: string;
  ignition?: string;
  failureFiles: BundleFile[];
  policy: ResolvedPolicy;
  /** Retried bring-up attempts: each one's console goes in beside the final guest's. */
  failedAttempts?: readonly FailedAttempt[];
}

export function bundleFiles(run: Omit<ScenarioRun, "bundle">, extra: BundleExtra): BundleFile[] {
  const files = baseFiles(run, extra);
  if (extra.ignition !== undefined) {
    files.push({
      logicalName: "rendered-ignition",
      relativePath: "rendered-ignition.ign",
      required: false,
      content: extra.ignition,
    });
  }
  for (const failed of extra.failedAttempts ?? []) {
    const relativePath = failedAttemptConsoleFile(failed.attempt);
    files.push({
      logicalName: relativePath.replace(/\.txt$/, ""),
      relativePath,
      required: false,
      content: failed.consoleText,
    });
  }
  if (run.classification.observed !== "passed") files.push(failureSummary(run));
  if (guestEvidenceWanted(extra.policy.artifacts, run.classification.observed === "passed")) {
    // Named by always_collect, the guest evidence is an always-collected entry of the manifest.
    const always = guestEvidenceWanted(extra.policy.artifacts, true);
    files.push(...extra.failureFiles.map((f) => ({ ...f, failureSpecific: !always })));
  }
  const regression = regressionSummary(run);
  if (regression !== undefined)
    files.push(requiredFile("regression-summary", "regression-summary.txt", regression));
  const promotion = promotionStatus(run);
  if (promotion !== undefined)
    files.push(requiredFile("promotion-status", "promotion-status.txt", promotion));
  return files;
}

function requiredFile(logicalName: string, relativePath: string, content: string): BundleFile {
  return { logicalName, relativePath, required: true, content };
}

/** The files every bundle has, whatever the outcome. */
function baseFiles(run: Omit<ScenarioRun, "bundle">, extra: BundleExtra): BundleFile[] {
  const consoleText =
    extra.consoleText === "" && run.readiness === null ? "(no guest was provisioned)\n" : extra.consoleText;
  return [
    requiredFile("scenario-definition", "scenario-definition.txt", run.loaded.text),
    requiredFile("harness-log", "harness-log.txt", extra.log.text()),
    requiredFile("console-log", "console-log.txt", consoleText),
    requiredFile("coreops-output", "coreops-output.txt", coreopsOutput(run)),
    requiredFile("assertion-results", "assertion-results.json", json(run.assertions)),
    requiredFile(
      "readiness-evidence",
      "readiness-evidence.json",
      json(run.readiness ?? { final_status: "not_started", accepted: [], rejected: [] }),
    ),
    requiredFile("timeline", "timeline.json", json(run.timeline.toJSON(run.completedAt))),
    {
      logicalName: "guest-checks",
      relativePath: "guest-checks.json",
      required: false,
      content: json(run.findings),
    },
    requiredFile(
      "verification-run",
      "verification-run.json",
      json(verificationRunDocument(run, "(see manifest.json)")),
    ),
  ];
}

/** What failed: the outcome, then every step and assertion that did not pass. */
function failureSummary(run: Omit<ScenarioRun, "bundle">): BundleFile {
  return {
    logicalName: "failure-summary",
    relativePath: "failure-summary.txt",
    required: true,
    failureSpecific: true,
    content: `${run.classification.outcome}: ${run.classification.summary}\n${run.steps
      .filter((s) => s.status !== "passed")
      .map((s) => `step ${s.step_id}: ${s.status} — ${s.details}`)
      .join("\n")}\n${run.assertions
      .filter((a) => a.status !== "passed")
      .map((a) => `assertion ${a.assertion_id}: ${a.status} — ${a.message}`)
      .join("\n")}\n`,
  };
}
