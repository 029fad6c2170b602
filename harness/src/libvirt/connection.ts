/**
 * Where guests come from, resolved from options and the environment (README.md "Disposable guests"), pure:
 * - URI: `CORE_OPS_VERIFY_LIBVIRT_URI`, else `CORE_OPS_VERIFY_VM_HOST` → `qemu+ssh://core@<host>/system`,
 *   else `qemu:///system`;
 * - pool: `CORE_OPS_VERIFY_POOL` (default `core-ops-verify`);
 * - state directory (run dirs, delivery disks, host facts): `CORE_OPS_VERIFY_STATE_DIR`
 *   (default `/var/lib/core-ops-verify`; never under /root — QEMU runs as libvirt-qemu);
 * - base image: `CORE_OPS_VERIFY_BASE_IMAGE` (an image descriptor JSON, or a directory holding
 *   `descriptor.json`), else the newest locally built image in `CORE_OPS_VERIFY_IMAGE_CACHE`
 *   (default `<state>/images`).
 */
import { join } from "node:path";

export interface ConnectionSettings {
  uri: string;
  /** True when the hypervisor is not this host: loopback port forwards and local files do not reach it. */
  remote: boolean;
  pool: string;
  stateDir: string;
  imageCacheDir: string;
  /** Explicit base image (descriptor path or image directory), when given. */
  baseImage: string | undefined;
  allowArpFallback: boolean;
  /** Forced domain type (`CORE_OPS_VERIFY_DOMAIN_TYPE=kvm|qemu`), else the setup's probe decides. */
  domainType: "kvm" | "qemu" | undefined;
}

export interface ConnectionOverrides {
  uri?: string;
  pool?: string;
  stateDir?: string;
  baseImage?: string;
  allowArpFallback?: boolean;
  domainType?: "kvm" | "qemu";
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}

export function resolveConnection(
  overrides: ConnectionOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const vmHost = nonEmpty(env.CORE_OPS_VERIFY_VM_HOST);
  const uri =
    overrides.uri ??
    nonEmpty(env.CORE_OPS_VERIFY_LIBVIRT_URI) ??
    (vmHost !== undefined ? `qemu+ssh://core@${vmHost}/system` : "qemu:///system");
  const stateDir =
    overrides.stateDir ?? nonEmpty(env.CORE_OPS_VERIFY_STATE_DIR) ?? "/var/lib/core-ops-verify";
  const forced = nonEmpty(env.CORE_OPS_VERIFY_DOMAIN_TYPE);
  if (forced !== undefined && forced !== "kvm" && forced !== "qemu") {
    throw new Error(`CORE_OPS_VERIFY_DOMAIN_TYPE must be "kvm" or "qemu", got ${JSON.stringify(forced)}`);
  }
  return {
    uri,
    remote: !/^qemu(\+unix)?:\/\/\/(system|session)/.test(uri),
    pool: overrides.pool ?? nonEmpty(env.CORE_OPS_VERIFY_POOL) ?? "core-ops-verify",
    stateDir,
    imageCacheDir: nonEmpty(env.CORE_OPS_VERIFY_IMAGE_CACHE) ?? join(stateDir, "images"),
    baseImage: overrides.baseImage ?? nonEmpty(env.CORE_OPS_VERIFY_BASE_IMAGE),
    allowArpFallback: overrides.allowArpFallback ?? env.CORE_OPS_VERIFY_ALLOW_ARP_FALLBACK === "true",
    domainType: overrides.domainType ?? (forced as "kvm" | "qemu" | undefined),
  };
}
