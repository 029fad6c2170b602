/** The result of running one scenario: everything the report, the bundle and Vitest need. */
import type { AssertionResult } from "../assertions/types.js";
import type { Finding } from "../bundle/checks.js";
import type { BundleManifest } from "../bundle/manifest.js";
import type { AccessInfo, ReadinessEvidence } from "../machine.js";
import type { LoadedScenario } from "../scenario/loader.js";
import type { Redactor } from "../secrets/redactor.js";
import type { StepResult } from "../steps/result.js";
import type { Classification } from "./outcome.js";
import type { Timeline } from "./timeline.js";
import type { RunMode } from "./verification-run.js";

export type { RunMode } from "./verification-run.js";

export interface ScenarioRun {
  runId: string;
  mode: RunMode;
  loaded: LoadedScenario;
  startedAt: Date;
  completedAt: Date;
  classification: Classification;
  steps: StepResult[];
  assertions: AssertionResult[];
  findings: Finding[];
  readiness: ReadinessEvidence | null;
  timeline: Timeline;
  fixtureCommits: { revision: string; commit: string }[];
  bundle: BundleManifest;
  environmentRetained: boolean;
  access?: AccessInfo;
  warnings: string[];
  /** The run's redaction: everything shown outside the harness (stdout, annotations) goes through it. */
  redactor: Redactor;
}
