/**
 * The image descriptor (ARCHITECTURE.md "The guest contract"): what a base image is and how to boot and reach
 * it. Written next to the image by `core-ops-verify image build` (the local Debian trixie guest) or by hand /
 * `image import` for a Fedora CoreOS qcow2 on a real hypervisor. The machine layer builds the domain from it,
 * data-driven.
 */
import { z } from "zod";

export const ImageDescriptorSchema = z.object({
  schema_version: z.literal(1),
  /** Human name, e.g. `coreops-guest-trixie` or `fedora-coreos-stable`. */
  name: z.string().min(1),
  /** Content hash of the recipe that produced it (`null` for imported images). */
  recipe_hash: z.string().nullable(),
  /** Base volume name in the storage pool (overlays are created on it with --backing-vol). */
  volume: z.string().min(1),
  volume_format: z.enum(["qcow2", "raw"]).default("qcow2"),
  boot: z.discriminatedUnion("method", [
    z.object({
      method: z.literal("direct-kernel"),
      /** Absolute paths readable by the QEMU process (never under /root). */
      kernel: z.string().min(1),
      initrd: z.string().min(1),
      cmdline: z.string(),
    }),
    z.object({ method: z.literal("bootloader"), firmware: z.enum(["bios", "efi"]).default("bios") }),
  ]),
  network: z.object({
    mode: z.enum(["user-restricted", "bridge"]),
    /** For `bridge`: the host bridge to attach to. */
    bridge: z.string().optional(),
  }),
  ignition: z.object({
    delivery: z.literal("fw_cfg"),
    fw_cfg_name: z.string().default("opt/com.coreos/config"),
    /** Highest Ignition spec version the image's Ignition accepts (Debian's 2.14: 3.3.0). */
    max_spec_version: z.string(),
  }),
  ssh_user: z.string().min(1),
  admin_group: z.enum(["sudo", "wheel"]),
  /** Container images present in the image's local storage (no registry is reachable). */
  local_container_images: z.array(z.string()),
  /** Exact Debian package versions the image contains (`name` → `version`), or `{}` when unknown. */
  packages: z.record(z.string(), z.string()),
  /** RFC 3339 UTC. */
  created_at: z.string(),
});
export type ImageDescriptor = z.infer<typeof ImageDescriptorSchema>;
