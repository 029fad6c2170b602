/** Why the plan acts on an object (cause kinds) and how a host difference is classified (drift categories). */
import { z } from "zod";

export const CauseKindSchema = z.enum([
  "desired_change",
  "drift",
  "dependency_change",
  "dependency_failure",
  "blocked_prerequisite",
  "runtime_variance",
  "recovery_required",
  "replacement_required",
  "restart_required",
  "no_change",
]);
export type CauseKind = z.infer<typeof CauseKindSchema>;

export const DriftCategorySchema = z.enum([
  "expected_change",
  "external_drift",
  "stale_residue",
  "runtime_variance",
]);
export type DriftCategory = z.infer<typeof DriftCategorySchema>;
