/** The virsh calls of a run's lifecycle, each tolerant of "already gone" so teardown can be repeated. */
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

/** Stops (hard) and undefines a domain; returns whether it existed. Throws only on unexpected failures. */
export async function removeDomain(virsh: Virsh, name: string): Promise<boolean> {
  const destroyed = await virsh.run(["destroy", name], { allowFailure: true });
  if (destroyed.exitCode !== 0 && GONE.test(destroyed.stderr)) return false;
  let undefined_ = await virsh.run(["undefine", name, "--nvram"], { allowFailure: true });
  if (undefined_.exitCode !== 0 && !GONE.test(undefined_.stderr)) {
    undefined_ = await virsh.run(["undefine", name], { allowFailure: true });
  }
  if (undefined_.exitCode !== 0 && !GONE.test(undefined_.stderr)) {
    throw new Error(`virsh undefine ${name} failed: ${undefined_.stderr.trim()}`);
  }
  return undefined_.exitCode === 0;
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
