/**
 * The five managed kinds. Each managed object has exactly one
 * kind; the kind decides its normalization (what is material, what is tolerated as runtime variance).
 */
import { z } from "zod";

export const ManagedKindSchema = z.enum([
  "generated_unit",
  "quadlet_resource",
  "mount",
  "automount",
  "rendered_artifact",
]);
export type ManagedKind = z.infer<typeof ManagedKindSchema>;

export const MANAGED_KINDS: readonly ManagedKind[] = ManagedKindSchema.options;
