/**
 * `ensureImage`: the locally built guest image for the current recipe — from the content-addressed cache
 * when present, otherwise built: mmdebstrap (Debian trixie + recipe hooks) → kernel and initrd copied out →
 * ext4 → qcow2 base volume in the storage pool (base-volume.ts) → `descriptor.json`.
 * Cache layout: `<image cache>/<recipe hash>/{descriptor.json, vmlinuz, initrd.img, build.log}`.
 */
import { createWriteStream, existsSync } from "node:fs";
import { chmod, copyFile, mkdir, readdir, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { probeAndRecordAccel } from "./accel.js";
import { buildBaseVolume, DISK_SIZE } from "./base-volume.js";
import { withBuildLock } from "./build-lock.js";
import { type CommandResult, mustRun, type RunCommand, runCommand, SubstrateError } from "./command.js";
import type { ImageDescriptor } from "./descriptor.js";
import { readDescriptor, writeDescriptor } from "./descriptor-file.js";
import { DPKG_QUERY_FORMAT, parseDpkgQuery } from "./dpkg.js";
import { diffPackages, renderPackageChange } from "./package-lock.js";
import { packageSetDigest } from "./package-set.js";
import { type SubstratePaths, substratePaths } from "./paths.js";
import type { ProgressLog } from "./progress-log.js";
import { timedStage } from "./progress-log.js";
import { loadRecipe, type Recipe, shortHash } from "./recipe.js";
import { removeTreeSafely } from "./safe-remove.js";

export interface BuiltImage {
  descriptor: ImageDescriptor;
  /** Absolute path of descriptor.json. */
  descriptorPath: string;
  /** True when it came from the cache (no build ran). */
  cached: boolean;
}

/** Debian's Ignition 2.14 accepts spec 3.0.0–3.3.0 (and 3.4.0-experimental), not 3.4.0. */
export const LOCAL_IMAGE_MAX_IGNITION_SPEC = "3.3.0";
export const LOCAL_IMAGE_NAME = "coreops-guest-trixie";

export function volumeNameFor(recipeHash: string): string {
  return `coreops-guest-${shortHash(recipeHash)}.qcow2`;
}

export function imageDirFor(paths: SubstratePaths, recipeHash: string): string {
  return join(paths.imageCacheDir, recipeHash);
}

/** The current recipe's image when it is built and complete (descriptor, kernel, initrd, base volume). */
export async function findImage(
  paths: SubstratePaths = substratePaths(),
  recipe?: Recipe,
): Promise<BuiltImage | undefined> {
  const r = recipe ?? (await loadRecipe());
  const descriptorPath = join(imageDirFor(paths, r.hash), "descriptor.json");
  if (!existsSync(descriptorPath)) return undefined;
  const descriptor = await readDescriptor(descriptorPath);
  if (descriptor.boot.method === "direct-kernel") {
    if (!existsSync(descriptor.boot.kernel) || !existsSync(descriptor.boot.initrd)) return undefined;
  }
  if (!existsSync(join(paths.poolDir, descriptor.volume))) return undefined;
  return { descriptor, descriptorPath, cached: true };
}

/** For `core-ops-verify run` and the scenarios global setup: the image, built only when not cached. */
export async function ensureImage(log: ProgressLog, options: { force?: boolean } = {}): Promise<BuiltImage> {
  const paths = substratePaths();
  const recipe = await loadRecipe();
  return withBuildLock(join(paths.imageCacheDir, `.build-${recipe.hash}.lock`), log, async () => {
    if (!options.force) {
      const found = await findImage(paths, recipe);
      if (found) {
        log(`image: ${found.descriptor.name} ${shortHash(recipe.hash)} cached (${found.descriptorPath})`);
        return found;
      }
    }
    return buildImage(recipe, paths, log);
  });
}

/** Where one build works: scratch dir and root file system, the staging dir that becomes `finalDir`. */
interface BuildDirs {
  work: string;
  rootfs: string;
  staging: string;
  finalDir: string;
  /** The base volume's name in the storage pool. */
  volume: string;
}

export async function buildImage(
  recipe: Recipe,
  paths: SubstratePaths,
  log: ProgressLog,
  run: RunCommand = runCommand,
): Promise<BuiltImage> {
  const started = performance.now();
  await preflight(paths, run);
  const short = shortHash(recipe.hash);
  log(
    `image: building ${LOCAL_IMAGE_NAME} for recipe ${short} (Debian ${recipe.suite}, ${recipe.packages.length} packages)`,
  );
  const dirs = await prepareBuildDirs(recipe, paths, run);
  const buildLog = createWriteStream(join(dirs.staging, "build.log"));
  const tee: ProgressLog = (line) => {
    buildLog.write(`${line}\n`);
    log(line);
  };
  try {
    const { descriptor, kernel } = await buildStages(recipe, paths, dirs, run, tee);
    await timedStage(tee, "image: [5/5] descriptor", async () => {
      await writeDescriptor(join(dirs.staging, "descriptor.json"), descriptor);
      await rm(dirs.finalDir, { recursive: true, force: true });
      await new Promise<void>((resolve) => buildLog.end(resolve));
      await rename(dirs.staging, dirs.finalDir);
    });
    await removeTreeSafely(dirs.work, run);
    // A new guest kernel: decide KVM vs TCG with it (SeaBIOS alone is not conclusive under nested KVM).
    await probeAndRecordAccel(paths, run, log, kernel);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(
      `image: built ${LOCAL_IMAGE_NAME} ${short} in ${seconds} s → ${join(dirs.finalDir, "descriptor.json")}`,
    );
    return { descriptor, descriptorPath: join(dirs.finalDir, "descriptor.json"), cached: false };
  } catch (err) {
    buildLog.end();
    await discardFailedBuild(dirs, run, log);
    throw err;
  }
}

/** Fresh scratch and staging dirs for this recipe (leftovers of an earlier build removed). */
async function prepareBuildDirs(recipe: Recipe, paths: SubstratePaths, run: RunCommand): Promise<BuildDirs> {
  const work = join(paths.workDir, recipe.hash);
  const dirs: BuildDirs = {
    work,
    rootfs: join(work, "rootfs"),
    staging: join(paths.imageCacheDir, `.staging-${recipe.hash}-${process.pid}`),
    finalDir: imageDirFor(paths, recipe.hash),
    volume: volumeNameFor(recipe.hash),
  };
  await removeTreeSafely(work, run);
  await rm(dirs.staging, { recursive: true, force: true });
  await mkdir(work, { recursive: true, mode: 0o700 });
  await mkdir(dirs.staging, { recursive: true, mode: 0o755 });
  await chmod(paths.imageCacheDir, 0o755);
  return dirs;
}

/** Stages 1–4: root file system, package versions, kernel and initrd, disk; then the descriptor for them. */
async function buildStages(
  recipe: Recipe,
  paths: SubstratePaths,
  dirs: BuildDirs,
  run: RunCommand,
  tee: ProgressLog,
): Promise<{ descriptor: ImageDescriptor; kernel: string }> {
  const debootstrap = await timedStage(tee, "image: [1/5] root file system (mmdebstrap)", () =>
    buildRootfs(recipe, dirs.rootfs, run, tee),
  );
  const containerImages = containerImagesBuilt(debootstrap);
  const packages = await timedStage(tee, "image: [2/5] package versions (dpkg-query)", () =>
    installedPackages(recipe, dirs.rootfs, run, tee),
  );
  const boot = await timedStage(tee, "image: [3/5] kernel and initrd", () => extractKernel(dirs, tee));
  const diskDigest = await timedStage(
    tee,
    `image: [4/5] disk (ext4 ${DISK_SIZE} → qcow2 volume ${dirs.volume} in pool ${paths.poolName})`,
    () => buildBaseVolume(paths, { rootfs: dirs.rootfs, work: dirs.work, volume: dirs.volume }, run),
  );
  const descriptor = localDescriptor(recipe, dirs.volume, boot, containerImages, packages, diskDigest);
  tee(`  package set ${descriptor.package_set_digest}, disk ${diskDigest}`);
  return { descriptor, kernel: boot.kernel };
}

/** Stage 1: mmdebstrap with the recipe's hooks (container-images.sh prints `IMAGE <name>` per image). */
async function buildRootfs(
  recipe: Recipe,
  rootfs: string,
  run: RunCommand,
  tee: ProgressLog,
): Promise<CommandResult> {
  const q = shellQuote;
  const hook = (script: string, ...extra: string[]) =>
    `${q(join(recipe.dir, "hooks", script))} "$1" ${extra.map(q).join(" ")}`.trim();
  return mustRun(
    run,
    "mmdebstrap",
    [
      "--mode=root",
      "--variant=apt",
      `--include=${recipe.packages.join(",")}`,
      '--aptopt=Acquire::Languages "none"',
      '--aptopt=APT::Install-Recommends "false"',
      `--setup-hook=${hook("setup.sh", recipe.dir)}`,
      `--customize-hook=${hook("customize.sh", recipe.dir)}`,
      `--customize-hook=${hook("container-images.sh")}`,
      recipe.suite,
      rootfs,
      recipe.mirror,
    ],
    {
      log: tee,
      prefix: "  ",
      env: { DEBIAN_FRONTEND: "noninteractive" },
      hint: "check that the Debian archive is reachable and that `core-ops-verify setup` ran",
    },
  );
}

/** The local container images the recipe built (from mmdebstrap's output), sorted; at least one. */
function containerImagesBuilt(debootstrap: CommandResult): string[] {
  const containerImages = [...`${debootstrap.stdout}\n${debootstrap.stderr}`.matchAll(/^IMAGE (\S+)$/gm)]
    .map((m) => m[1] ?? "")
    .filter((n) => n !== "")
    .sort();
  if (containerImages.length === 0) {
    throw new SubstrateError(
      "the recipe built no local container image (no `IMAGE <name>` line from container-images.sh)",
    );
  }
  return containerImages;
}

/** Stage 2: the installed packages and their exact versions, with any drift from packages.lock reported. */
async function installedPackages(
  recipe: Recipe,
  rootfs: string,
  run: RunCommand,
  tee: ProgressLog,
): Promise<Record<string, string>> {
  const result = await mustRun(run, "dpkg-query", [
    `--admindir=${join(rootfs, "var/lib/dpkg")}`,
    "-W",
    DPKG_QUERY_FORMAT,
  ]);
  const installed = parseDpkgQuery(result.stdout);
  reportLockDrift(recipe, installed, tee);
  return installed;
}

interface ExtractedKernel {
  /** Where kernel and initrd will be once staging becomes the final dir. */
  kernel: string;
  initrd: string;
  kernelVersion: string;
}

/** Stage 3: the newest kernel and initrd copied out of the root file system (and removed from it). */
async function extractKernel(dirs: BuildDirs, tee: ProgressLog): Promise<ExtractedKernel> {
  const boot = join(dirs.rootfs, "boot");
  const names = (await readdir(boot)).sort();
  const vmlinuz = names.filter((n) => n.startsWith("vmlinuz-")).pop();
  const initrdName = names.filter((n) => n.startsWith("initrd.img-")).pop();
  if (vmlinuz === undefined || initrdName === undefined) {
    throw new SubstrateError(`${boot}: no vmlinuz-*/initrd.img-* (files: ${names.join(", ") || "none"})`);
  }
  await copyFile(join(boot, vmlinuz), join(dirs.staging, "vmlinuz"));
  await copyFile(join(boot, initrdName), join(dirs.staging, "initrd.img"));
  await chmod(join(dirs.staging, "vmlinuz"), 0o644);
  await chmod(join(dirs.staging, "initrd.img"), 0o644);
  // Booted directly by QEMU: the copies in the image would only take space.
  for (const n of names)
    if (n.startsWith("vmlinuz-") || n.startsWith("initrd.img-")) await unlink(join(boot, n));
  tee(`  kernel ${vmlinuz}, initrd ${initrdName}`);
  return {
    kernel: join(dirs.finalDir, "vmlinuz"),
    initrd: join(dirs.finalDir, "initrd.img"),
    kernelVersion: vmlinuz.slice("vmlinuz-".length),
  };
}

/** The descriptor of a locally built image (pure but for its creation time). */
function localDescriptor(
  recipe: Recipe,
  volume: string,
  boot: ExtractedKernel,
  containerImages: string[],
  packages: Record<string, string>,
  diskDigest: string,
): ImageDescriptor {
  return {
    schema_version: 1,
    name: LOCAL_IMAGE_NAME,
    recipe_hash: recipe.hash,
    volume,
    volume_format: "qcow2",
    boot: { method: "direct-kernel", kernel: boot.kernel, initrd: boot.initrd, cmdline: recipe.cmdline },
    network: { mode: "user-restricted" },
    ignition: {
      delivery: "fw_cfg",
      fw_cfg_name: "opt/com.coreos/config",
      max_spec_version: LOCAL_IMAGE_MAX_IGNITION_SPEC,
    },
    ssh_user: "core",
    admin_group: "sudo",
    local_container_images: containerImages,
    packages,
    created_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    kernel_version: boot.kernelVersion,
    ...(packages.ignition !== undefined ? { ignition_version: packages.ignition } : {}),
    package_set_digest: packageSetDigest(packages),
    disk_digest: diskDigest,
  };
}

/** Keeps nothing half-built: the staging dir and the scratch rootfs go; the cache stays as it was. */
async function discardFailedBuild(dirs: BuildDirs, run: RunCommand, log: ProgressLog): Promise<void> {
  await rm(dirs.staging, { recursive: true, force: true });
  if (process.env.CORE_OPS_VERIFY_KEEP_WORK === "1")
    log(`image: kept the failed build's scratch dir ${dirs.work}`);
  else await removeTreeSafely(dirs.work, run).catch((e: Error) => log(`image: ${e.message}`));
}

/** What a build needs before it starts, each missing piece named with what to run. */
async function preflight(paths: SubstratePaths, run: RunCommand): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new SubstrateError(
      "building the guest image needs root (mmdebstrap --mode=root, chroot, podman import into the image)",
      "run `sudo core-ops-verify image build`",
    );
  }
  const missing: string[] = [];
  for (const tool of ["mmdebstrap", "mke2fs", "qemu-img", "virsh", "truncate"]) {
    const found = await run("sh", ["-c", `command -v ${tool}`]);
    if (found.exitCode !== 0) missing.push(tool);
  }
  if (missing.length > 0) {
    throw new SubstrateError(
      `missing tools for the image build: ${missing.join(", ")}`,
      "run `core-ops-verify setup` first",
    );
  }
  const pool = await run("virsh", ["-c", paths.libvirtUri, "pool-info", paths.poolName]);
  if (pool.exitCode !== 0 || !/^State:\s+running/m.test(pool.stdout)) {
    throw new SubstrateError(
      `storage pool ${paths.poolName} is not running`,
      "run `core-ops-verify setup` first",
    );
  }
}

/** Prints how the built package set differs from packages.lock: what moved because a pin was gone. */
function reportLockDrift(recipe: Recipe, installed: Record<string, string>, log: ProgressLog): void {
  if (recipe.lock === undefined) return;
  const drift = diffPackages(recipe.lock, installed);
  if (drift.length === 0) {
    log(`  all ${Object.keys(installed).length} packages as pinned in packages.lock`);
    return;
  }
  log(
    `  ${drift.length} package(s) differ from packages.lock (pinned version gone from the archive, or new):`,
  );
  for (const c of drift) log(`    ${renderPackageChange(c)}`);
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** Sizes of the image's files in bytes (for `image list` and the bench). */
export async function imageSizes(
  descriptor: ImageDescriptor,
  paths: SubstratePaths = substratePaths(),
): Promise<{ volume: number; kernel: number; initrd: number }> {
  const size = async (p: string) => {
    try {
      return (await stat(p)).size;
    } catch {
      return 0;
    }
  };
  const direct = descriptor.boot.method === "direct-kernel" ? descriptor.boot : undefined;
  return {
    volume: await size(join(paths.poolDir, descriptor.volume)),
    kernel: direct ? await size(direct.kernel) : 0,
    initrd: direct ? await size(direct.initrd) : 0,
  };
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
