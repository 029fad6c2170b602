import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { acquireLock, type LockHolder, processStartTicks, resolveLockPath } from "./lock.js";

const dirs: string[] = [];
function lockPath(): string {
  const d = mkdtempSync(join(tmpdir(), "core-ops-lock-"));
  dirs.push(d);
  return join(d, "run", "agent.lock");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

describe("agent lock", () => {
  it("resolves --lock-path, then CORE_OPS_LOCK_PATH, then the default", () => {
    expect(resolveLockPath("/x", { CORE_OPS_LOCK_PATH: "/y" })).toBe("/x");
    expect(resolveLockPath(undefined, { CORE_OPS_LOCK_PATH: "/y" })).toBe("/y");
    expect(resolveLockPath(undefined, {})).toBe("/run/core-ops/agent.lock");
  });

  it("records the holder, refuses a second taker naming it, and is released", () => {
    const path = lockPath();
    const lock = acquireLock(path, "apply");
    const rec = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    expect(rec.pid).toBe(process.pid);
    expect(rec.host).toBe(hostname());
    expect(rec.start_ticks).toBe(processStartTicks(process.pid));
    let err: unknown;
    try {
      acquireLock(path, "agent");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoreOpsError);
    expect((err as CoreOpsError).code).toBe("lock_held");
    expect((err as CoreOpsError).message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect((err as CoreOpsError).message).toContain("(apply)");
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path, "agent").release();
  });

  it("recovers the lock of a process that is gone", () => {
    const path = lockPath();
    acquireLock(path, "seed").release(); // creates the directory
    const pid = deadPid();
    const stale: LockHolder = {
      pid,
      start_ticks: 1,
      boot_id: null,
      host: hostname(),
      command: "apply",
      acquired_at: "2026-01-01T00:00:00.000Z",
    };
    writeFileSync(path, JSON.stringify(stale));
    const lock = acquireLock(path, "agent");
    expect(lock.recoveredFrom?.pid).toBe(pid);
    expect((JSON.parse(readFileSync(path, "utf8")) as LockHolder).pid).toBe(process.pid);
    lock.release();
  });

  it("treats a reused pid (other start time) as dead, and a lock from another host as held", () => {
    const path = lockPath();
    acquireLock(path, "seed").release();
    const reused: LockHolder = {
      pid: process.pid,
      start_ticks: (processStartTicks(process.pid) ?? 0) + 12345,
      boot_id: null,
      host: hostname(),
      command: "apply",
      acquired_at: "2026-01-01T00:00:00.000Z",
    };
    writeFileSync(path, JSON.stringify(reused));
    acquireLock(path, "agent").release();
    writeFileSync(path, JSON.stringify({ ...reused, host: `${hostname()}-other` }));
    expect(() => acquireLock(path, "agent")).toThrow(/holds the lock: pid \d+ on .*-other/);
  });

  it("does not take over a fresh unreadable lock", () => {
    const path = lockPath();
    acquireLock(path, "seed").release();
    writeFileSync(path, "garbage");
    expect(() => acquireLock(path, "agent")).toThrow(/unreadable lock record/);
  });
});
