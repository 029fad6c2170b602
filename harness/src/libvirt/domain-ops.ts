/** The virsh calls of a run's lifecycle, each tolerant of "already gone" so teardown can be repeated. */
import { InfraError } from "../faults.js";
import type { ImageDescriptor } from "../guest-image/descriptor.js";
import { type RetryState, retry } from "../retry.js";
import type { Virsh } from "./virsh.js";

const GONE = /not found|no domain|failed to get domain|no storage vol|storage volume not found/i;

export async function listDomainNames(virsh: Virsh): Promise<string[]> {
  const result = await virsh.run(["list", "--all", "--name"]);
  return result.stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .sort();
}

export async function listVolumeNames(virsh: Virsh, pool: string): Promise<string[]> {
  await virsh.run(["pool-refresh", pool], { allowFailure: true });
  const result = await virsh.run(["vol-list", "--pool", pool]);
  return result.stdout
    .split("\n")
    .slice(2)
    .map((line) => line.trim().split(/\s+/)[0] ?? "")
    .filter((name) => name !== "")
    .sort();
}

export async function volumeCapacityBytes(virsh: Virsh, pool: string, volume: string): Promise<number> {
  const result = await virsh.run(["vol-info", "--pool", pool, volume, "--bytes"]);
  const match = /Capacity:\s+(\d+)/.exec(result.stdout);
  if (match?.[1] === undefined)
    throw new Error(`cannot read the capacity of volume ${volume} in pool ${pool}`);
  return Number(match[1]);
}

/** The run's qcow2 overlay on the base image's volume, as large as the base. */
export async function createOverlayVolume(
  virsh: Virsh,
  pool: string,
  volume: string,
  base: Pick<ImageDescriptor, "volume" | "volume_format">,
  capacityBytes: number,
): Promise<void> {
  await virsh.run([
    "vol-create-as",
    pool,
    volume,
    `${capacityBytes}b`,
    "--format",
    "qcow2",
    "--backing-vol",
    base.volume,
    "--backing-vol-format",
    base.volume_format,
  ]);
}

export interface RemoveDomainOptions {
  /** How many destroy/undefine rounds before giving up (default 5). */
  attempts?: number;
  /** Pause between rounds (default 2 s). */
  pauseMs?: number;
}

/**
 * Stops (hard) and undefines a domain and returns only once libvirt no longer knows it; returns whether it
 * existed. A `virsh destroy` can fail while QEMU is slow to die ("Device or resource busy", a state-change
 * lock held by another call); `undefine` then merely turns the running domain transient and it stays listed.
 * So each round ends by asking libvirt whether the domain is gone, and a domain still there gets another
 * round. Throws when it is still there after the last round, or on an unexpected undefine failure.
 */
export async function removeDomain(
  virsh: Virsh,
  name: string,
  options: RemoveDomainOptions = {},
): Promise<boolean> {
  const attempts = options.attempts ?? 5;
  let existed = false;
  const round = async ({ lastTry }: RetryState): Promise<boolean | undefined> => {
    const destroyed = await virsh.run(["destroy", name], { allowFailure: true });
    if (destroyed.exitCode !== 0 && GONE.test(destroyed.stderr)) return existed;
    existed = true;
    let undefined_ = await virsh.run(["undefine", name, "--nvram"], { allowFailure: true });
    if (undefined_.exitCode !== 0 && !GONE.test(undefined_.stderr)) {
      undefined_ = await virsh.run(["undefine", name], { allowFailure: true });
    }
    if (undefined_.exitCode !== 0 && !GONE.test(undefined_.stderr) && lastTry) {
      throw new InfraError(`virsh undefine ${name} failed: ${undefined_.stderr.trim()}`);
    }
    const state = await virsh.run(["domstate", name], { allowFailure: true });
    if (state.exitCode !== 0 && GONE.test(state.stderr)) return true;
    if (lastTry) {
      throw new InfraError(
        `domain ${name} is still defined (${state.stdout.trim() || state.stderr.trim()}) after ${attempts} rounds of destroy/undefine; last destroy: ${destroyed.stderr.trim() || "ok"}`,
      );
    }
    return undefined;
  };
  const { value } = await retry(round, {
    what: `removing domain ${name}`,
    timeoutMs: Number.POSITIVE_INFINITY,
    maxAttempts: attempts,
    intervalMs: options.pauseMs ?? 2_000,
  });
  return value;
}

export async function removeVolume(virsh: Virsh, pool: string, volume: string): Promise<boolean> {
  const result = await virsh.run(["vol-delete", volume, "--pool", pool], { allowFailure: true });
  if (result.exitCode === 0) return true;
  if (GONE.test(result.stderr)) return false;
  throw new Error(`virsh vol-delete ${volume} failed: ${result.stderr.trim()}`);
}

export async function domainXml(virsh: Virsh, name: string): Promise<string | undefined> {
  const result = await virsh.run(["dumpxml", name, "--inactive"], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout : undefined;
}
