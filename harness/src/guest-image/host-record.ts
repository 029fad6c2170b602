/**
 * `host.json`: the facts `core-ops-verify setup` probed about this hypervisor host, above all whether
 * KVM works (nested KVM can hang here) so the machine layer picks domain type `kvm` or `qemu` (TCG).
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { substratePaths } from "./paths.js";

export const HostRecordSchema = z.object({
  schema_version: z.literal(1),
  /** `kvm`: hardware acceleration works; `tcg`: use QEMU's translator (libvirt domain type `qemu`). */
  accel: z.enum(["kvm", "tcg"]),
  /** Why: what the probe observed, or that an override was given. */
  accel_reason: z.string(),
  /** Which probe decided: `bios` (SeaBIOS only, before any image exists) or `kernel` (the guest kernel). */
  accel_probe: z.enum(["bios", "kernel"]).default("bios"),
  /** `qemu-system-x86_64 --version` first line at probe time; a changed QEMU re-probes. */
  qemu_version: z.string(),
  /** RFC 3339 UTC. */
  probed_at: z.string(),
});
export type HostRecord = z.infer<typeof HostRecordSchema>;

/** The recorded host facts, or `undefined` when setup has not run (or the file is unreadable/invalid). */
export async function readHostRecord(file = substratePaths().hostFactsFile): Promise<HostRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = HostRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** libvirt domain type for the recorded accelerator: `kvm` or `qemu`. */
export function domainTypeFor(record: Pick<HostRecord, "accel">): "kvm" | "qemu" {
  return record.accel === "kvm" ? "kvm" : "qemu";
}
