/**
 * The `verification_run` document: what `core-ops-verify run --json` prints and what
 * each bundle keeps as verification-run.json. These zod schemas are its single source of truth; the types
 * the report builders return are inferred from them. Two shapes, told apart by `revision_selection_basis`:
 * one scenario, or the accepted corpus.
 */
import { z } from "zod";
import { AssertionResultSchema } from "../assertions/types.js";
import { FindingSchema } from "../bundle/checks.js";
import { BundleManifestSchema } from "../bundle/manifest.js";
import { AccessInfoSchema, ReadinessEvidenceSchema } from "../machine.js";
import { OutcomeSchema } from "../scenario/schema.js";
import { StepResultSchema } from "../steps/result.js";
import { TimelineDocumentSchema } from "./timeline.js";

export const RunModeSchema = z.enum(["local", "ci", "debug"]);
export type RunMode = z.infer<typeof RunModeSchema>;

const FixtureCommitSchema = z.strictObject({ revision: z.string(), commit: z.string() });

export const ScenarioVerificationRunSchema = z.strictObject({
  view_kind: z.literal("verification_run"),
  run_id: z.string(),
  mode: RunModeSchema,
  controller_version: z.string(),
  revision_selection_basis: z.literal("single_scenario"),
  revision_under_test: z.string(),
  started_at: z.string(),
  completed_at: z.string(),
  scenario_id: z.string(),
  title: z.string(),
  scenario_file: z.string(),
  overall_outcome: OutcomeSchema,
  observed_outcome: OutcomeSchema,
  expected_outcome: OutcomeSchema.exclude(["passed"]).nullable(),
  /** On stdout the bundle's manifest; inside the bundle only a pointer to it. */
  artifact_bundle: z.union([BundleManifestSchema, z.strictObject({ bundle_path: z.string() })]),
  environment_retained: z.boolean(),
  access: AccessInfoSchema.nullable(),
  step_results: z.array(StepResultSchema),
  assertion_results: z.array(AssertionResultSchema),
  guest_checks: z.array(FindingSchema),
  fixture_commits: z.array(FixtureCommitSchema),
  warnings: z.array(z.string()),
  failure_summary: z.string().nullable(),
  regression_summary: z.string().nullable(),
  promotion_status: z.enum(["retained", "failing"]).nullable(),
  readiness_evidence: ReadinessEvidenceSchema.nullable(),
  timeline: TimelineDocumentSchema,
});
export type ScenarioVerificationRun = z.infer<typeof ScenarioVerificationRunSchema>;

export const CorpusVerificationRunSchema = z.strictObject({
  view_kind: z.literal("verification_run"),
  run_id: z.string(),
  mode: RunModeSchema,
  controller_version: z.string(),
  revision_selection_basis: z.literal("accepted_corpus"),
  revision_under_test: z.string(),
  overall_outcome: OutcomeSchema,
  started_at: z.string(),
  completed_at: z.string(),
  scenario_outcomes: z.array(
    z.strictObject({
      scenario_id: z.string(),
      revision_under_test: z.string(),
      outcome: OutcomeSchema,
      observed_outcome: OutcomeSchema,
      failure_summary: z.string().nullable(),
      bundle_path: z.string(),
      assertion_results: z.array(
        AssertionResultSchema.pick({
          assertion_id: true,
          status: true,
          observed_value: true,
          evidence_refs: true,
        }),
      ),
    }),
  ),
  artifacts: z.strictObject({
    bundle_paths: z.array(z.string()),
    environment_retained: z.boolean(),
  }),
});
export type CorpusVerificationRun = z.infer<typeof CorpusVerificationRunSchema>;

export const VerificationRunSchema = z.discriminatedUnion("revision_selection_basis", [
  ScenarioVerificationRunSchema,
  CorpusVerificationRunSchema,
]);
export type VerificationRun = z.infer<typeof VerificationRunSchema>;
