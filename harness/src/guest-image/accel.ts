/**
 * Probe KVM and record the decision in host.json. The kernel-level probe is used as soon as a built image
 * provides a kernel (SeaBIOS alone runs even where nested KVM later hangs a Linux guest).
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RunCommand } from "./command.js";
import { readDescriptor } from "./descriptor-file.js";
import { type HostRecord, HostRecordSchema } from "./host-record.js";
import { interpretKvmProbe, observeKvm } from "./kvm-probe.js";
import type { SubstratePaths } from "./paths.js";
import type { ProgressLog } from "./progress-log.js";

/** A guest kernel from the image cache to probe with (the newest direct-kernel image), if any. */
export async function availableProbeKernel(paths: SubstratePaths): Promise<string | undefined> {
  if (!existsSync(paths.imageCacheDir)) return undefined;
  const candidates: { kernel: string; created: string }[] = [];
  for (const id of (await readdir(paths.imageCacheDir)).sort()) {
    const file = join(paths.imageCacheDir, id, "descriptor.json");
    if (id.startsWith(".") || !existsSync(file)) continue;
    try {
      const d = await readDescriptor(file);
      if (d.boot.method === "direct-kernel" && existsSync(d.boot.kernel)) {
        candidates.push({ kernel: d.boot.kernel, created: d.created_at });
      }
    } catch {
      // an unreadable descriptor is reported by `image list`; it just cannot serve as a probe kernel
    }
  }
  candidates.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  return candidates[0]?.kernel;
}

export async function probeAndRecordAccel(
  paths: SubstratePaths,
  run: RunCommand,
  log: ProgressLog,
  kernel?: string,
): Promise<HostRecord> {
  const level = kernel ? "kernel" : "bios";
  log(`accel: probing KVM (${level} probe, killed at the deadline)`);
  const observation = await observeKvm(kernel ? { kernel } : {});
  const result = interpretKvmProbe(
    { ...observation, devKvmExists: existsSync("/dev/kvm"), override: process.env.CORE_OPS_VERIFY_ACCEL },
    level,
  );
  const record: HostRecord = HostRecordSchema.parse({
    schema_version: 1,
    accel: result.accel,
    accel_reason: result.reason,
    accel_probe: level,
    qemu_version: await qemuVersion(run),
    probed_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
  });
  await mkdir(dirname(paths.hostFactsFile), { recursive: true, mode: 0o755 });
  await writeFile(paths.hostFactsFile, `${JSON.stringify(record, null, 2)}\n`);
  log(`accel: ${record.accel} (${record.accel_reason}) → ${paths.hostFactsFile}`);
  return record;
}

export async function qemuVersion(run: RunCommand): Promise<string> {
  const result = await run("qemu-system-x86_64", ["--version"]);
  return result.stdout.split("\n")[0]?.trim() || "unknown";
}
