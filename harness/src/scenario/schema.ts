/**
 * The scenario YAML format (ARCHITECTURE.md "How a scenario flows through the harness"), as zod schemas: the single source of truth. Types are inferred from
 * it and `harness/scenario.schema.json` is generated from it (`npm run schema`). The parts live beside it —
 * shared field types (`field-schemas.ts`), steps (`step-schema.ts`), assertions (`assertion-schema.ts`),
 * environment and fixtures (`environment-schema.ts`), policy overrides (`policy-schema.ts`) — and are
 * re-exported here, so importers name only this file. Cross-field rules that need the whole document (step
 * references, unique ids) live in `validate.ts`, so these files stay declarative.
 */
import { z } from "zod";
import { AssertionSchema } from "./assertion-schema.js";
import { EnvironmentSchema, FixturesSchema, InstallationSchema } from "./environment-schema.js";
import { Identifier } from "./field-schemas.js";
import { PolicyOverridesSchema } from "./policy-schema.js";
import { StepSchema } from "./step-schema.js";

export { type Assertion, AssertionSchema, type AssertionType } from "./assertion-schema.js";
export {
  EnvironmentSchema,
  FixturesSchema,
  type Installation,
  InstallationSchema,
  RepositoryEvolutionSchema,
} from "./environment-schema.js";
export { type Duration, DurationSchema, FIXTURE_PATH, IDENTIFIER } from "./field-schemas.js";
export {
  ARTIFACT_NAMES,
  ArtifactPolicySchema,
  type PolicyOverrides,
  PolicyOverridesSchema,
  TimeoutsSchema,
} from "./policy-schema.js";
export {
  type CoreOpsAction,
  CoreOpsActionSchema,
  type ExitBehavior,
  ExitBehaviorSchema,
  type FixtureRefMove,
  FixtureRefMoveSchema,
  type HarnessOperation,
  HarnessOperationSchema,
  STEP_TYPES,
  type Step,
  StepSchema,
  type StepType,
  StepTypeSchema,
} from "./step-schema.js";

export const SCENARIO_CLASSES = [
  "convergence",
  "drift_correction",
  "idempotency",
  "upgrade_transition",
  "reboot_resilience",
  "explain_apply_consistency",
  "regression_detection",
  "release_gate_success",
  "release_gate_failure",
  "verification_environment_identity",
  "version_identity_visibility",
  "installation_path_validation",
  "operator_verification_flow",
  "operator_verification_reproducibility",
  "cold_start_distribution_validation",
  "distribution_artifact_validation",
] as const;
export const ScenarioClassSchema = z.enum(SCENARIO_CLASSES);
export type ScenarioClass = z.infer<typeof ScenarioClassSchema>;

export const OUTCOMES = [
  "passed",
  "assertion_failure",
  "infrastructure_failure",
  "timeout",
  "harness_error",
] as const;
export const OutcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const ScenarioSchema = z
  .object({
    scenario_id: Identifier,
    title: z.string().min(1),
    description: z.string().min(1),
    scenario_classes: z.array(ScenarioClassSchema).min(1),
    source: z.enum(["accepted", "candidate"]),
    behavioral_claim: z.string().min(1),
    rationale: z.string().min(1),
    /** The host (`hosts/<host>/` of the fixture) the guest plays; rendered as `--host` on actions. */
    host: Identifier.optional(),
    environment: EnvironmentSchema,
    fixtures: FixturesSchema,
    installation: InstallationSchema.optional(),
    steps: z.array(StepSchema).min(1),
    assertions: z.array(AssertionSchema).min(1),
    /** A designed failure: when the run ends with this outcome it counts as passed, with a warning. */
    expected_outcome: OutcomeSchema.exclude(["passed"]).optional(),
    policy_overrides: PolicyOverridesSchema.optional(),
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;
