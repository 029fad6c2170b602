/**
 * The `core-ops-release validate --json` document: a contract surface (changes/README.md "Path rules"), so
 * fields are added, never renamed or removed.
 */
import { z } from "zod";
import { BumpSchema, ReleaseIntentSchema } from "./bump.js";
import { AppliedRuleSchema } from "./path-rules.js";

export const ValidationResultSchema = z.object({
  overall_status: z.enum(["passed", "failed"]),
  effective_classification: z.enum(["exempt", "releasable"]),
  /** The bump the changed paths require (maximum over the releasable rules). */
  effective_bump: BumpSchema,
  /** The highest release_intent among the fragments changed in the range. */
  declared_bump: BumpSchema,
  /** SemVer classification of the root package.json version base → head. */
  version_bump: z.enum(["none", "patch", "minor", "major", "unsupported", "initial"]),
  version_before: z.string().nullable(),
  version_after: z.string().nullable(),
  /** What a releasable change set lacks: `changes/<change-id>.md`, `CHANGELOG.md`, `package.json version`. */
  missing_artifacts: z.array(z.string()),
  mismatch_reasons: z.array(z.string()),
  applied_rules: z.array(AppliedRuleSchema),
  changed_paths: z.array(z.string()),
  changed_fragment_paths: z.array(z.string()),
  fragments: z.array(
    z.object({
      path: z.string(),
      change_id: z.string(),
      release_intent: ReleaseIntentSchema,
      summary: z.string(),
      release_preparation: z.boolean(),
    }),
  ),
  release_preparation: z.boolean(),
  metadata_only: z.boolean(),
  changelog_changed: z.boolean(),
  range: z.object({
    base_ref: z.string().nullable(),
    base_commit: z.string().nullable(),
    head_ref: z.string().nullable(),
    /** null: the working tree (tracked changes plus untracked files). */
    head_commit: z.string().nullable(),
  }),
});
export type ValidationResult = z.infer<typeof ValidationResultSchema>;
