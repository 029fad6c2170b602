/**
 * The identity of a guest image, as every `verification_run` and bundle records it: name, recipe hash,
 * package-set digest, disk digest. Derived from the descriptor of the image a hypervisor actually boots, so a
 * record names exactly what ran (README "Release gate").
 */
import { z } from "zod";
import type { ImageDescriptor } from "./descriptor.js";
import { packageSetDigest } from "./package-set.js";

export const ImageIdentitySchema = z.object({
  name: z.string(),
  recipe_hash: z.string().nullable(),
  package_set_digest: z.string(),
  /** null for an image whose descriptor predates disk digests (rebuild it to get one). */
  disk_digest: z.string().nullable(),
  kernel_version: z.string().nullable(),
  ignition_version: z.string().nullable(),
});
export type ImageIdentity = z.infer<typeof ImageIdentitySchema>;

export function imageIdentity(d: ImageDescriptor): ImageIdentity {
  return {
    name: d.name,
    recipe_hash: d.recipe_hash,
    package_set_digest: d.package_set_digest ?? packageSetDigest(d.packages),
    disk_digest: d.disk_digest ?? null,
    kernel_version: d.kernel_version ?? null,
    ignition_version: d.ignition_version ?? d.packages.ignition ?? null,
  };
}
