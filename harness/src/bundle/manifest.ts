/** manifest.json of a bundle: every file, its logical name, relative path, and whether it is required. */
import { z } from "zod";
import { RunIdentitySchema } from "./identity.js";

export const ManifestEntrySchema = z.object({
  logical_name: z.string(),
  relative_path: z.string(),
  required: z.boolean(),
  present: z.boolean(),
  failure_specific: z.boolean(),
  error: z.string().optional(),
});
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export const BundleManifestSchema = z.object({
  schema_version: z.literal(1),
  run_id: z.string(),
  scenario_id: z.string(),
  bundle_path: z.string(),
  manifest_entries: z.array(ManifestEntrySchema),
  always_collected_entries: z.array(z.string()),
  failure_specific_entries: z.array(z.string()),
  environment_retained: z.boolean(),
  collection_status: z.enum(["complete", "partial", "failed"]),
  /** The image the run booted and the agent binary it delivered (run/run-identity.ts). */
  guest_image: RunIdentitySchema.shape.guest_image,
  agent_binary: RunIdentitySchema.shape.agent_binary,
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

export function collectionStatus(entries: readonly ManifestEntry[]): BundleManifest["collection_status"] {
  const required = entries.filter((e) => e.required);
  if (required.length > 0 && required.every((e) => !e.present)) return "failed";
  if (entries.some((e) => (e.required && !e.present) || e.error !== undefined)) return "partial";
  return "complete";
}
