/**
 * Serializes agent runs (README.md "State directory"): `/run/core-ops/agent.lock` (`--lock-path`,
 * `CORE_OPS_LOCK_PATH`).
 *
 * The lock file is created complete or not at all: the holder record is written to a private temp file
 * which is then hard-linked to the lock path (link(2) fails with EEXIST if the lock exists — the same
 * create-new semantics as O_EXCL, without a window in which the lock exists but is empty).
 * A second run reads the record and reports the holder. A lock whose holder process is gone on this host
 * (no such pid, or the pid was reused by a process with another start time, or the host rebooted) is
 * recovered under a short-lived recovery lock, so two runs cannot both take over the same stale lock.
 */
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { z } from "zod";
import { CoreOpsError } from "../errors.js";
import { tempPathFor } from "./atomic-file.js";
import { readStateFile } from "./read-state-file.js";

export const DEFAULT_LOCK_PATH = "/run/core-ops/agent.lock";

export const LockHolderSchema = z.object({
  pid: z.number().int().positive(),
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22); null if unknown. */
  start_ticks: z.number().int().nonnegative().nullable(),
  boot_id: z.string().nullable(),
  host: z.string(),
  command: z.string(),
  acquired_at: z.string(),
});
export type LockHolder = z.infer<typeof LockHolderSchema>;

export function resolveLockPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.CORE_OPS_LOCK_PATH ?? DEFAULT_LOCK_PATH;
}

function readBootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command, which may contain spaces). */
export function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const v = Number(rest[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export type HolderLiveness = "alive" | "dead" | "unknown";

/** Whether the recorded holder still runs. A holder on another host (shared file system) is "unknown". */
export function holderLiveness(holder: LockHolder): HolderLiveness {
  if (holder.host !== hostname()) return "unknown";
  const boot = readBootId();
  if (holder.boot_id && boot && holder.boot_id !== boot) return "dead";
  if (!pidAlive(holder.pid)) return "dead";
  if (holder.start_ticks !== null) {
    const now = processStartTicks(holder.pid);
    if (now !== null && now !== holder.start_ticks) return "dead"; // pid reused by another process
  }
  return "alive";
}

export interface LockHandle {
  path: string;
  holder: LockHolder;
  /** Set when a stale lock of a dead process was taken over. */
  recoveredFrom: LockHolder | null;
  release(): void;
}

function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} since ${h.acquired_at} (${h.command})`;
}

function lockPathError(path: string, err: unknown): CoreOpsError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EISDIR")
    return new CoreOpsError("the lock path is a directory", {
      code: "lock_path_invalid",
      file: path,
      hint: "the lock is a file that core-ops creates and removes: remove or rename that directory, or pass another --lock-path",
    });
  if (code === "ENOSPC")
    return new CoreOpsError("cannot create the lock: no space left", {
      code: "lock_no_space",
      file: path,
      hint: "free space on the file system of the lock (usually /run), or pass another --lock-path",
    });
  return new CoreOpsError(`cannot use the lock: ${(err as Error).message}`, {
    code: "lock_path_invalid",
    file: path,
    hint: "the lock's directory must be writable by this user: run as root or pass another --lock-path",
  });
}

function readHolder(path: string): LockHolder | "absent" | "invalid" {
  let text: string;
  try {
    text = readStateFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw lockPathError(path, err);
  }
  try {
    return LockHolderSchema.parse(JSON.parse(text));
  } catch {
    return "invalid";
  }
}

function tryLink(tmp: string, path: string): boolean {
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw lockPathError(path, err);
  }
}

/** What `status` reports about the lock: free, held by a live run, or left by a dead one. */
export type LockState =
  | { state: "free"; holder: null; liveness: null }
  | { state: "unreadable"; holder: null; liveness: null }
  | { state: "held"; holder: LockHolder; liveness: HolderLiveness };

/** Reads the lock without taking it (never throws for a missing or bad lock file). */
export function inspectLock(path: string): LockState {
  let current: ReturnType<typeof readHolder>;
  try {
    current = readHolder(path);
  } catch {
    return { state: "unreadable", holder: null, liveness: null };
  }
  if (current === "absent") return { state: "free", holder: null, liveness: null };
  if (current === "invalid") return { state: "unreadable", holder: null, liveness: null };
  return { state: "held", holder: current, liveness: holderLiveness(current) };
}

/** Seconds after which an unreadable lock or an abandoned recovery lock is considered debris. */
const DEBRIS_AGE_MS = 30_000;

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

/**
 * Takes the lock or throws `lock_held` naming the holder. `command` is recorded for the report
 * (e.g. "apply", "agent").
 */
export function acquireLock(path: string, command: string, now: () => Date = () => new Date()): LockHandle {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw lockPathError(path, Object.assign(new Error("is a directory"), { code: "EISDIR" }));
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  } catch (err) {
    throw lockPathError(path, err);
  }
  const holder: LockHolder = {
    pid: process.pid,
    start_ticks: processStartTicks(process.pid),
    boot_id: readBootId(),
    host: hostname(),
    command,
    acquired_at: now().toISOString(),
  };
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { mode: 0o644, flag: "wx" });
  } catch (err) {
    throw lockPathError(path, err);
  }
  let recoveredFrom: LockHolder | null = null;
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryLink(tmp, path)) {
        const handle: LockHandle = {
          path,
          holder,
          recoveredFrom,
          release: () => {
            const current = readHolder(path);
            if (
              typeof current === "object" &&
              current.pid === holder.pid &&
              current.acquired_at === holder.acquired_at
            )
              unlinkSync(path);
          },
        };
        return handle;
      }
      const current = readHolder(path);
      if (current === "absent") continue; // released in between; try again
      if (current === "invalid") {
        if (!olderThan(path, DEBRIS_AGE_MS)) throw heldError(path, null);
      } else if (holderLiveness(current) !== "dead") {
        throw heldError(path, current);
      }
      // Stale: remove it under the recovery lock, re-checking that it is still the same stale record.
      const recovered = recoverStale(path, current);
      if (recovered && typeof current === "object") recoveredFrom = current;
    }
    throw heldError(path, null);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}

function sameHolder(a: LockHolder | "absent" | "invalid", b: LockHolder | "invalid"): boolean {
  if (typeof a !== "object" || typeof b !== "object") return a === b;
  return a.pid === b.pid && a.acquired_at === b.acquired_at && a.host === b.host;
}

function recoverStale(path: string, seen: LockHolder | "invalid"): boolean {
  const recovery = `${path}.recover`;
  const tmp = tempPathFor(recovery);
  writeFileSync(tmp, `${process.pid}\n`, { flag: "wx" });
  try {
    if (!tryLink(tmp, recovery)) {
      if (olderThan(recovery, DEBRIS_AGE_MS)) {
        try {
          unlinkSync(recovery);
        } catch {}
      }
      return false;
    }
    try {
      if (!sameHolder(readHolder(path), seen)) return false;
      unlinkSync(path);
      return true;
    } finally {
      unlinkSync(recovery);
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}

function heldError(path: string, holder: LockHolder | null): CoreOpsError {
  const who = holder ? describeHolder(holder) : "an unreadable lock record";
  return new CoreOpsError(`another core-ops run holds the lock: ${who}`, {
    code: "lock_held",
    file: path,
    hint: holder
      ? "wait for that run to finish; a lock left by a dead process on this host is recovered automatically"
      : `if no core-ops run is active, remove ${path}`,
  });
}
