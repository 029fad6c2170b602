/**
 * The image cache as a whole: list what is there, prune images of other recipes that no overlay or domain
 * uses, and import a prebuilt base image (a Fedora CoreOS qcow2 on a real hypervisor) with its descriptor.
 * `ensureBaseImage` is what the machine layer asks for: `CORE_OPS_VERIFY_BASE_IMAGE` when set, else the
 * locally built image (built when missing).
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { type BuiltImage, ensureImage, imageSizes } from "./build.js";
import { mustRun, type RunCommand, runCommand, SubstrateError } from "./command.js";
import type { ImageDescriptor } from "./descriptor.js";
import { readDescriptor, writeDescriptor } from "./descriptor-file.js";
import { type SubstratePaths, substratePaths } from "./paths.js";
import { backingFiles } from "./pool-usage.js";
import { processAlive } from "./process-alive.js";
import type { ProgressLog } from "./progress-log.js";
import { loadRecipe } from "./recipe.js";

export interface ImageEntry {
  /** Cache directory name: the recipe hash, or `import-<name>` for imported images. */
  id: string;
  dir: string;
  descriptor: ImageDescriptor;
  /** Built from the recipe currently in the repository. */
  current: boolean;
  /** Volumes in the pool (overlays) whose backing file is this image's base volume. */
  usedBy: string[];
  sizes: { volume: number; kernel: number; initrd: number };
}

export async function listImages(
  paths: SubstratePaths = substratePaths(),
  run: RunCommand = runCommand,
): Promise<ImageEntry[]> {
  if (!existsSync(paths.imageCacheDir)) return [];
  const currentHash = (await loadRecipe()).hash;
  const backing = await backingFiles(paths, run);
  const entries: ImageEntry[] = [];
  const names = (await readdir(paths.imageCacheDir)).filter((n) => !n.startsWith(".")).sort();
  for (const id of names) {
    const dir = join(paths.imageCacheDir, id);
    const file = join(dir, "descriptor.json");
    if (!existsSync(file)) continue;
    const descriptor = await readDescriptor(file);
    const base = join(paths.poolDir, descriptor.volume);
    entries.push({
      id,
      dir,
      descriptor,
      current: descriptor.recipe_hash === currentHash,
      usedBy: backing
        .filter((b) => b.backing === base || b.backing === descriptor.volume)
        .map((b) => b.volume)
        .sort(),
      sizes: await imageSizes(descriptor, paths),
    });
  }
  return entries;
}

/** Pure: which images `prune` removes — built from another recipe, and not in use. Imported images stay. */
export function pruneCandidates(entries: readonly ImageEntry[]): ImageEntry[] {
  return entries.filter((e) => e.descriptor.recipe_hash !== null && !e.current && e.usedBy.length === 0);
}

export async function pruneImages(
  log: ProgressLog,
  paths: SubstratePaths = substratePaths(),
  run: RunCommand = runCommand,
): Promise<ImageEntry[]> {
  const entries = await listImages(paths, run);
  const doomed = pruneCandidates(entries);
  for (const e of entries) {
    if (e.usedBy.length > 0 && !e.current) log(`image prune: keeping ${e.id} (backs ${e.usedBy.join(", ")})`);
  }
  for (const e of doomed) {
    log(`image prune: removing ${e.descriptor.name} ${e.id} (volume ${e.descriptor.volume})`);
    await removeImage(e, paths, run);
  }
  // Leftovers of interrupted builds whose process is gone.
  if (existsSync(paths.imageCacheDir)) {
    for (const n of (await readdir(paths.imageCacheDir)).sort()) {
      const m = /^\.staging-[0-9a-f]+-(\d+)$/.exec(n);
      if (m?.[1] && !processAlive(Number(m[1]))) {
        log(`image prune: removing interrupted build ${n}`);
        await rm(join(paths.imageCacheDir, n), { recursive: true, force: true });
      }
    }
  }
  return doomed;
}

/** Removes one cached image: its base volume (virsh vol-delete, else the file) and its cache directory. */
export async function removeImage(
  entry: Pick<ImageEntry, "dir" | "descriptor">,
  paths: SubstratePaths = substratePaths(),
  run: RunCommand = runCommand,
): Promise<void> {
  const volume = join(paths.poolDir, entry.descriptor.volume);
  if (existsSync(volume)) {
    const del = await run("virsh", [
      "-c",
      paths.libvirtUri,
      "vol-delete",
      entry.descriptor.volume,
      "--pool",
      paths.poolName,
    ]);
    if (del.exitCode !== 0) await rm(volume, { force: true });
  }
  await rm(entry.dir, { recursive: true, force: true });
}

/**
 * Registers a prebuilt base image: validates the descriptor, checks the file's format with `qemu-img info`,
 * uploads it into the pool as `descriptor.volume` (vol-create-as + vol-upload: works for remote libvirt
 * too) and stores the descriptor as `<cache>/import-<name>/descriptor.json`.
 */
export async function importImage(
  imagePath: string,
  descriptorPath: string,
  log: ProgressLog,
  paths: SubstratePaths = substratePaths(),
  run: RunCommand = runCommand,
): Promise<BuiltImage> {
  const descriptor = await readDescriptor(resolve(descriptorPath));
  const source = resolve(imagePath);
  if (!existsSync(source)) throw new SubstrateError(`${source}: no such image file`);
  const info = await mustRun(run, "qemu-img", ["info", "-U", "--output=json", source]);
  const format = (JSON.parse(info.stdout) as { format?: string }).format;
  if (format !== descriptor.volume_format) {
    throw new SubstrateError(
      `${source}: format is ${format ?? "unknown"}, but ${descriptorPath} says volume_format ${descriptor.volume_format}`,
      "fix volume_format in the descriptor or convert the image with qemu-img convert",
    );
  }
  if (descriptor.boot.method === "direct-kernel") {
    for (const p of [descriptor.boot.kernel, descriptor.boot.initrd]) {
      if (!existsSync(p)) throw new SubstrateError(`${descriptorPath}: boot file ${p} does not exist`);
    }
  }
  const id = `import-${descriptor.name.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
  const virsh = (...args: string[]) => mustRun(run, "virsh", ["-c", paths.libvirtUri, ...args]);
  const existing = await run("virsh", [
    "-c",
    paths.libvirtUri,
    "vol-info",
    descriptor.volume,
    "--pool",
    paths.poolName,
  ]);
  if (existing.exitCode === 0) {
    log(`image import: replacing volume ${descriptor.volume} in pool ${paths.poolName}`);
    await virsh("vol-delete", descriptor.volume, "--pool", paths.poolName);
  }
  const size = (await stat(source)).size;
  log(
    `image import: uploading ${basename(source)} (${(size / 2 ** 20).toFixed(0)} MiB) → ${paths.poolName}/${descriptor.volume}`,
  );
  await virsh("vol-create-as", paths.poolName, descriptor.volume, String(size), "--format", "raw");
  await virsh("vol-upload", "--pool", paths.poolName, descriptor.volume, source);
  await virsh("pool-refresh", paths.poolName);
  const dir = join(paths.imageCacheDir, id);
  const staging = `${dir}.tmp-${process.pid}`;
  await mkdir(staging, { recursive: true, mode: 0o755 });
  await writeDescriptor(join(staging, "descriptor.json"), descriptor);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  log(`image import: registered ${descriptor.name} → ${join(dir, "descriptor.json")}`);
  return { descriptor, descriptorPath: join(dir, "descriptor.json"), cached: false };
}

/**
 * The base image a run uses: `CORE_OPS_VERIFY_BASE_IMAGE` (a descriptor.json path, a directory holding
 * one, or the name of an imported image) when set; otherwise the locally built image, built when the recipe's image is missing.
 */
export async function ensureBaseImage(
  log: ProgressLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuiltImage> {
  const wanted = env.CORE_OPS_VERIFY_BASE_IMAGE?.trim();
  if (!wanted) return ensureImage(log);
  return resolveImage(wanted, env, "CORE_OPS_VERIFY_BASE_IMAGE=");
}

/**
 * An image named by a descriptor.json path, a directory holding one, or the name, id or recipe-hash prefix of
 * a cached image. `label` prefixes the error (e.g. the variable it came from).
 */
export async function resolveImage(
  wanted: string,
  env: NodeJS.ProcessEnv = process.env,
  label = "",
): Promise<BuiltImage> {
  if (wanted.endsWith(".json") || existsSync(join(wanted, "descriptor.json"))) {
    const descriptorPath = resolve(wanted.endsWith(".json") ? wanted : join(wanted, "descriptor.json"));
    return { descriptor: await readDescriptor(descriptorPath), descriptorPath, cached: true };
  }
  const paths = substratePaths(env);
  const entries = await listImages(paths);
  const entry =
    entries.find((e) => e.descriptor.name === wanted || e.id === wanted) ??
    (wanted.length >= 8 ? entries.find((e) => e.id.startsWith(wanted)) : undefined);
  if (!entry) {
    throw new SubstrateError(
      `${label}${wanted}: no such image in ${paths.imageCacheDir}`,
      "register it with `core-ops-verify image import <qcow2> --descriptor <json>` or point the variable at a descriptor.json",
    );
  }
  return { descriptor: entry.descriptor, descriptorPath: join(entry.dir, "descriptor.json"), cached: true };
}
