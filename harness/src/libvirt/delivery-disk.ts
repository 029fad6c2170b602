/**
 * Read-only delivery without a per-run copy: the files a run names (the agent binary, a
 * fixture repository) are put once per content hash into a small ext4 image (`mke2fs -d`, no loop mount,
 * no journal) cached in `<state>/delivery/<hash>.img`, which every run with the same content attaches
 * read-only. Building is atomic (temp name, rename), so concurrent runs never see a half-written disk.
 */
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { DELIVERY_LABEL } from "../ignition/delivery-mount.js";
import type { Delivery } from "../machine.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function validateDeliveries(deliveries: readonly Delivery[]): void {
  const seen = new Set<string>();
  for (const delivery of deliveries) {
    if (!NAME.test(delivery.name)) {
      throw new Error(
        `delivery name ${JSON.stringify(delivery.name)} must match ${NAME} (it becomes a guest path)`,
      );
    }
    if (seen.has(delivery.name)) throw new Error(`delivery name ${delivery.name} is given twice`);
    seen.add(delivery.name);
    if (!existsSync(delivery.hostPath)) {
      throw new Error(`delivery ${delivery.name}: ${delivery.hostPath} does not exist`);
    }
  }
}

function hashTree(hash: ReturnType<typeof createHash>, path: string): number {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink())
    throw new Error(`delivery ${path}: symbolic links are not delivered; pass the target`);
  if (stat.isDirectory()) {
    let bytes = 0;
    for (const entry of readdirSync(path).sort()) {
      hash.update(`d:${entry}\0`);
      bytes += hashTree(hash, join(path, entry));
    }
    return bytes;
  }
  hash.update(`f:${stat.mode & 0o777}:${stat.size}\0`);
  hash.update(readFileSync(path));
  return stat.size;
}

/** Content hash of the named deliveries (names, modes, bytes; order-independent) and their total size. */
export function deliveryContentHash(deliveries: readonly Delivery[]): { hash: string; bytes: number } {
  const hash = createHash("sha256");
  let bytes = 0;
  for (const delivery of [...deliveries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    hash.update(`n:${delivery.name}\0`);
    bytes += hashTree(hash, delivery.hostPath);
  }
  return { hash: hash.digest("hex").slice(0, 32), bytes };
}

/** Returns the cached disk for this content, building it when absent. */
export async function ensureDeliveryDisk(
  deliveries: readonly Delivery[],
  cacheDir: string,
  log: (line: string) => void = () => undefined,
): Promise<{ path: string; hash: string; built: boolean }> {
  validateDeliveries(deliveries);
  const { hash, bytes } = deliveryContentHash(deliveries);
  const path = join(cacheDir, `${hash}.img`);
  if (existsSync(path)) {
    // Marks it recently used, so pruning keeps it.
    const now = new Date();
    utimesSync(path, now, now);
    return { path, hash, built: false };
  }
  mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
  const staging = join(cacheDir, `.staging-${hash}-${process.pid}`);
  const temp = join(cacheDir, `.${hash}-${process.pid}.img`);
  const started = performance.now();
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { mode: 0o755 });
    for (const delivery of deliveries) stage(delivery, join(staging, delivery.name));
    // ext4 metadata overhead on small file systems is a few MiB; leave room and round to whole MiB.
    const sizeMiB = Math.ceil((bytes * 1.1) / 1048576) + 16;
    await execa("mke2fs", [
      "-q",
      "-F",
      "-t",
      "ext4",
      "-O",
      "^has_journal",
      "-L",
      DELIVERY_LABEL,
      "-E",
      "root_owner=0:0",
      "-d",
      staging,
      temp,
      `${sizeMiB}M`,
    ]);
    chmodSync(temp, 0o644);
    renameSync(temp, path);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(temp, { force: true });
  }
  log(
    `delivery disk ${hash}: ${deliveries.map((d) => d.name).join(", ")} built in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { path, hash, built: true };
}

/** Hard-links a file into the staging tree when possible (no copy of a 127 MB binary), else copies. */
function stage(delivery: Delivery, target: string): void {
  const stat = statSync(delivery.hostPath);
  if (stat.isFile()) {
    try {
      linkSync(delivery.hostPath, target);
      return;
    } catch {
      // different file system: copy
    }
  }
  cpSync(delivery.hostPath, target, { recursive: true, preserveTimestamps: true });
}

/**
 * Every agent build has new content, so old disks pile up (≈ 150 MiB each). Keeps the `keep` most recently
 * used, and anything used within `minAgeMs` (a defined but not yet started domain may still need it).
 */
export function pruneDeliveryDisks(
  cacheDir: string,
  keep = 8,
  minAgeMs = 3_600_000,
  now = Date.now(),
): string[] {
  const disks = readdirSync(cacheDir)
    .filter((name) => /^[0-9a-f]{32}\.img$/.test(name))
    .map((name) => ({ path: join(cacheDir, name), mtime: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? -1 : 1));
  const removed: string[] = [];
  for (const disk of disks.slice(keep)) {
    if (now - disk.mtime < minAgeMs) continue;
    rmSync(disk.path, { force: true });
    removed.push(disk.path);
  }
  return removed;
}
