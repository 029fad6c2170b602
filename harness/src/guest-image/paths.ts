/**
 * Where the substrate keeps its state on the hypervisor host. Everything lives under one directory QEMU
 * (user libvirt-qemu) can read — never under /root, which that user cannot enter. Each location can be
 * overridden by an environment variable so CI or a developer can relocate it.
 */
import { join } from "node:path";

export interface SubstratePaths {
  /** Root of all substrate state (`CORE_OPS_VERIFY_STATE_DIR`, default `/var/lib/core-ops-verify`). */
  stateDir: string;
  /** libvirt dir storage pool name (`CORE_OPS_VERIFY_POOL`, default `core-ops-verify`). */
  poolName: string;
  /** Target directory of the pool (`<state>/pool`). */
  poolDir: string;
  /** Content-addressed image cache (`CORE_OPS_VERIFY_IMAGE_CACHE`, default `<state>/images`). */
  imageCacheDir: string;
  /** Scratch space for image builds (`<state>/work`); emptied after each build. */
  workDir: string;
  /** Probed host facts written by `setup` (`<state>/host.json`). */
  hostFactsFile: string;
  /** libvirt connection URI (`CORE_OPS_VERIFY_LIBVIRT_URI`, default `qemu:///system`). */
  libvirtUri: string;
}

export function substratePaths(env: NodeJS.ProcessEnv = process.env): SubstratePaths {
  const stateDir = nonEmpty(env.CORE_OPS_VERIFY_STATE_DIR) ?? "/var/lib/core-ops-verify";
  return {
    stateDir,
    poolName: nonEmpty(env.CORE_OPS_VERIFY_POOL) ?? "core-ops-verify",
    poolDir: join(stateDir, "pool"),
    imageCacheDir: nonEmpty(env.CORE_OPS_VERIFY_IMAGE_CACHE) ?? join(stateDir, "images"),
    workDir: join(stateDir, "work"),
    hostFactsFile: join(stateDir, "host.json"),
    libvirtUri: nonEmpty(env.CORE_OPS_VERIFY_LIBVIRT_URI) ?? "qemu:///system",
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}
