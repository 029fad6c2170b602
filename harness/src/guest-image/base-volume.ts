/**
 * The local image's qcow2 base volume in the storage pool: the root file system as ext4 (`mke2fs -d`, no loop
 * mount) in a raw file, converted to qcow2 and moved into the pool's target dir under the volume's name.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { mustRun, type RunCommand, SubstrateError } from "./command.js";
import type { SubstratePaths } from "./paths.js";
import { overlaysOf } from "./pool-usage.js";

/** Virtual size of the base volume (its ext4 file system fills it). */
export const DISK_SIZE = "4G";

/**
 * The root file system as ext4 in a raw file, converted to the qcow2 base volume in the pool
 * (never over a volume that overlays still use); returns the volume's digest.
 */
export async function buildBaseVolume(
  paths: SubstratePaths,
  dirs: { rootfs: string; work: string; volume: string },
  run: RunCommand,
): Promise<string> {
  const { volume } = dirs;
  const raw = join(dirs.work, "disk.raw");
  await mustRun(run, "truncate", ["-s", DISK_SIZE, raw]);
  await mustRun(run, "mke2fs", [
    "-q",
    "-t",
    "ext4",
    "-L",
    "root",
    "-E",
    "root_owner=0:0",
    "-d",
    dirs.rootfs,
    raw,
  ]);
  const poolDir = await poolTargetDir(paths, run);
  const users = await overlaysOf(volume, paths, run);
  if (users.length > 0) {
    throw new SubstrateError(
      `base volume ${volume} is in use by overlay(s) ${users.join(", ")}; replacing it would corrupt them`,
      "destroy those machines first (or let their runs finish), then rebuild",
    );
  }
  const tmpVolume = join(poolDir, `.${volume}.tmp-${process.pid}`);
  await mustRun(run, "qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, tmpVolume]);
  await rm(raw, { force: true });
  await chmod(tmpVolume, 0o644);
  const digest = await sha256File(tmpVolume);
  await rename(tmpVolume, join(poolDir, volume));
  await mustRun(run, "virsh", ["-c", paths.libvirtUri, "pool-refresh", paths.poolName]);
  return digest;
}

async function poolTargetDir(paths: SubstratePaths, run: RunCommand): Promise<string> {
  const xml = await mustRun(run, "virsh", ["-c", paths.libvirtUri, "pool-dumpxml", paths.poolName], {
    hint: "run `core-ops-verify setup` first",
  });
  const match = /<target>[\s\S]*?<path>([^<]+)<\/path>/.exec(xml.stdout);
  if (!match?.[1])
    throw new SubstrateError(`storage pool ${paths.poolName} has no target path (not a dir pool?)`);
  return match[1];
}

async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `sha256:${h.digest("hex")}`;
}
