/**
 * Ownership of VMs (ARCHITECTURE.md "The guest contract"): every domain and per-run directory records the
 * owner's host, pid, the pid's start time (so a reused pid is not mistaken for the owner) and the run's start
 * time. The orphan sweep only removes what belongs to an owner that is provably gone on this host.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";

export const OWNER_NAMESPACE = "https://core-ops.dev/verify/owner/1";

export const OwnerSchema = z.object({
  run_id: z.string(),
  host: z.string(),
  pid: z.number().int().positive(),
  /** `/proc/<pid>/stat` field 22 (start time in clock ticks since boot); `null` when unreadable. */
  pid_start: z.string().nullable(),
  started_at: z.string(),
});
export type Owner = z.infer<typeof OwnerSchema>;

export function procStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function currentOwner(runId: string): Owner {
  return {
    run_id: runId,
    host: hostname(),
    pid: process.pid,
    pid_start: procStartTime(process.pid),
    started_at: new Date().toISOString(),
  };
}

/** Is the owner process still running on this host? Owners on other hosts count as alive (unknowable). */
export function ownerAlive(owner: Owner, thisHost: string = hostname()): boolean {
  if (owner.host !== thisHost) return true;
  const start = procStartTime(owner.pid);
  if (start === null) return false;
  return owner.pid_start === null || owner.pid_start === start;
}

function xmlText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The `<metadata>` child element carried by the domain. */
export function ownerMetadataXml(owner: Owner): string {
  return [
    `<cov:owner xmlns:cov="${OWNER_NAMESPACE}">`,
    `<cov:run_id>${xmlText(owner.run_id)}</cov:run_id>`,
    `<cov:host>${xmlText(owner.host)}</cov:host>`,
    `<cov:pid>${owner.pid}</cov:pid>`,
    `<cov:pid_start>${owner.pid_start ?? ""}</cov:pid_start>`,
    `<cov:started_at>${xmlText(owner.started_at)}</cov:started_at>`,
    "</cov:owner>",
  ].join("");
}

/** Reads the owner back from a domain's XML (`virsh dumpxml`); undefined when absent or unreadable. */
export function parseOwnerMetadata(domainXml: string): Owner | undefined {
  const block = /<(\w+):owner\s+xmlns:\1="([^"]+)"[^>]*>([\s\S]*?)<\/\1:owner>/.exec(domainXml);
  if (block === null || block[2] !== OWNER_NAMESPACE) return undefined;
  const prefix = block[1] ?? "";
  const body = block[3] ?? "";
  const field = (name: string) => {
    const match = new RegExp(`<${prefix}:${name}>([^<]*)</${prefix}:${name}>`).exec(body);
    return match?.[1]?.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  };
  const pidStart = field("pid_start");
  const parsed = OwnerSchema.safeParse({
    run_id: field("run_id"),
    host: field("host"),
    pid: Number(field("pid")),
    pid_start: pidStart === undefined || pidStart === "" ? null : pidStart,
    started_at: field("started_at"),
  });
  return parsed.success ? parsed.data : undefined;
}
