/** The files of a scenario's bundle (README.md "Debugging a failed scenario"), built from the run record. Pure. */
import type { BundleFile } from "../bundle/writer.js";
import type { HarnessLog } from "../harness-log.js";
import type { ResolvedPolicy } from "../scenario/profiles.js";
import { guestEvidenceWanted } from "./artifact-selection.js";
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

export function bundleFiles(
  run: Omit<ScenarioRun, "bundle">,
  extra: {
    log: HarnessLog;
    consoleText: string;
    ignition?: string;
    failureFiles: BundleFile[];
    policy: ResolvedPolicy;
  },
): BundleFile[] {
  const files: BundleFile[] = [
    {
      logicalName: "scenario-definition",
      relativePath: "scenario-definition.txt",
      required: true,
      content: run.loaded.text,
    },
    {
      logicalName: "harness-log",
      relativePath: "harness-log.txt",
      required: true,
      content: extra.log.text(),
    },
    {
      logicalName: "console-log",
      relativePath: "console-log.txt",
      required: true,
      content:
        extra.consoleText === "" && run.readiness === null
          ? "(no guest was provisioned)\n"
          : extra.consoleText,
    },
    {
      logicalName: "coreops-output",
      relativePath: "coreops-output.txt",
      required: true,
      content: coreopsOutput(run),
    },
    {
      logicalName: "assertion-results",
      relativePath: "assertion-results.json",
      required: true,
      content: json(run.assertions),
    },
    {
      logicalName: "readiness-evidence",
      relativePath: "readiness-evidence.json",
      required: true,
      content: json(run.readiness ?? { final_status: "not_started", accepted: [], rejected: [] }),
    },
    {
      logicalName: "timeline",
      relativePath: "timeline.json",
      required: true,
      content: json(run.timeline.toJSON(run.completedAt)),
    },
    {
      logicalName: "guest-checks",
      relativePath: "guest-checks.json",
      required: false,
      content: json(run.findings),
    },
    {
      logicalName: "verification-run",
      relativePath: "verification-run.json",
      required: true,
      content: json(verificationRunDocument(run, "(see manifest.json)")),
    },
  ];
  if (extra.ignition !== undefined) {
    files.push({
      logicalName: "rendered-ignition",
      relativePath: "rendered-ignition.ign",
      required: false,
      content: extra.ignition,
    });
  }
  if (run.classification.observed !== "passed") {
    files.push({
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
    });
  }
  if (guestEvidenceWanted(extra.policy.artifacts, run.classification.observed === "passed")) {
    // Named by always_collect, the guest evidence is an always-collected entry of the manifest.
    const always = guestEvidenceWanted(extra.policy.artifacts, true);
    files.push(...extra.failureFiles.map((f) => ({ ...f, failureSpecific: !always })));
  }
  const regression = regressionSummary(run);
  if (regression !== undefined) {
    files.push({
      logicalName: "regression-summary",
      relativePath: "regression-summary.txt",
      required: true,
      content: regression,
    });
  }
  const promotion = promotionStatus(run);
  if (promotion !== undefined) {
    files.push({
      logicalName: "promotion-status",
      relativePath: "promotion-status.txt",
      required: true,
      content: promotion,
    });
  }
  return files;
}
