/**
 * A scenario's policy overrides (`schema.ts`): timeouts and which artifacts the bundle collects
 * (`profiles.ts` resolves them against the standard profiles).
 */
import { z } from "zod";
import { DurationSchema } from "./field-schemas.js";
import { StepTypeSchema } from "./step-schema.js";

export const TimeoutsSchema = z
  .object({
    per_step_defaults: z.partialRecord(StepTypeSchema, DurationSchema).optional(),
    scenario_timeout: DurationSchema.optional(),
    readiness_timeout: DurationSchema.optional(),
  })
  .strict();

export const ARTIFACT_NAMES = [
  "scenario-definition",
  "harness-log",
  "console-log",
  "coreops-output",
  "assertion-results",
  "readiness-evidence",
  "timeline",
  "journal-excerpts",
  "explain-output",
  "relevant-files",
] as const;

export const ArtifactPolicySchema = z
  .object({
    /**
     * Collected whatever the outcome; the bundle's base files are always written, `journal-excerpts` and
     * `relevant-files` add the guest evidence otherwise collected only on failure.
     */
    always_collect: z
      .array(z.enum(ARTIFACT_NAMES))
      .refine((names) => !names.includes("explain-output"), {
        message:
          "always_collect cannot name explain-output: the harness does not run explain by itself; add a coreops_action step with action explain (its output is in coreops-output.txt)",
      })
      .optional(),
    collect_on_failure: z.array(z.enum(ARTIFACT_NAMES)).optional(),
    /** With `run --debug`: keep the VM after the run (default true); false tears it down anyway. */
    retain_environment_in_debug: z.boolean().optional(),
    export_format: z.literal("directory").optional(),
  })
  .strict();

export const PolicyOverridesSchema = z
  .object({
    timeout_profile: z.literal("standard").optional(),
    timeouts: TimeoutsSchema.optional(),
    artifact_profile: z.literal("standard").optional(),
    artifact_policy: ArtifactPolicySchema.optional(),
  })
  .strict();
export type PolicyOverrides = z.infer<typeof PolicyOverridesSchema>;
