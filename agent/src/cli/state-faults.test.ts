/**
 * The state directory and the lock as real files, through the real CLI:
 * - init takes the agent lock (a live holder refuses it, a dead one is recovered);
 * - status tells a lock held by a live run from one left by a dead process (human and JSON);
 * - environment faults end in a typed error (exit 1, file named, hint), never a stack trace: a full file
 *   system under the state directory (a small tmpfs in a private mount namespace), a lock path that is a
 *   directory, `init --force` over a state path that is a directory, a state file or lock that is a FIFO;
 * - status.json, snapshots.json and stored contents are 0600.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { objectsDirFor } from "../state/content-store.js";
import { processStartTicks } from "../state/lock.js";
import { snapshotsPathFor } from "../state/snapshots.js";
import type { StatusView } from "../views/status-view.js";
import { CLI, demoTree, Fixture } from "./test-support/cli-fixture.js";

const fixtures: Fixture[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, "SIGKILL");
  for (const f of fixtures.splice(0)) f.cleanup();
});

function fixture(): Fixture {
  const f = new Fixture();
  fixtures.push(f);
  f.commit(demoTree("1"), "v1");
  return f;
}

/** A typed failure: exit 1, `error[code]`, the file, a hint, and no stack trace. */
function expectTyped(r: { status: number | null; stderr: string }, code: string, file: string): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).toContain(`error[${code}]`);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toContain("hint:");
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

/** A lock record naming a real, live process we started (it holds nothing else). */
function holdLockWithLiveProcess(f: Fixture, command: string): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)"], { stdio: "ignore" });
  children.push(child);
  const pid = child.pid as number;
  mkdirSync(join(f.dir, "run"), { recursive: true });
  const holder = {
    pid,
    start_ticks: processStartTicks(pid),
    boot_id: readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(),
    host: hostname(),
    command,
    acquired_at: new Date().toISOString(),
  };
  writeFileSync(f.lockPath, `${JSON.stringify(holder)}\n`);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  if (child.pid) process.kill(child.pid, "SIGKILL");
  await exited;
}

describe("init and the agent lock", () => {
  it("init refuses while a live run holds the lock and changes nothing; a dead holder's lock is recovered", async () => {
    const f = fixture();
    const init = (extra: string[] = []) =>
      f.run(["init", f.repo, "v1", "--state-file", f.stateFile, ...extra]);
    expect(init().status).toBe(0);
    const before = readFileSync(f.stateFile, "utf8");
    const holder = holdLockWithLiveProcess(f, "apply");
    const refused = init(["--force"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`error[lock_held]`);
    expect(refused.stderr).toContain(`pid ${holder.pid}`);
    expect(readFileSync(f.stateFile, "utf8")).toBe(before);
    await stop(holder);
    expect(init(["--force"]).status).toBe(0);
    expect(statSync(f.lockPath, { throwIfNoEntry: false })).toBeUndefined();
  });

  it("status tells a lock held by a live run from one left by a dead process", async () => {
    const f = fixture();
    const status = (json: boolean) =>
      f.run(["status", ...(json ? ["--json"] : []), "--state-file", f.stateFile]);
    let view = JSON.parse(status(true).stdout) as StatusView;
    expect(view.lock).toMatchObject({ path: f.lockPath, state: "free", holder: null });
    const holder = holdLockWithLiveProcess(f, "agent");
    view = JSON.parse(status(true).stdout) as StatusView;
    expect(view.lock).toMatchObject({ state: "held", liveness: "alive", holder: { pid: holder.pid } });
    expect(status(false).stdout).toContain(`lock: held by pid ${holder.pid} on ${hostname()} (agent)`);
    expect(status(false).stdout).toContain("running");
    await stop(holder);
    view = JSON.parse(status(true).stdout) as StatusView;
    expect(view.lock).toMatchObject({ state: "held", liveness: "dead", holder: { pid: holder.pid } });
    expect(status(false).stdout).toMatch(
      /lock: stale — held by pid \d+ .*no longer running; the next run recovers it/,
    );
  });
});

describe("environment faults are typed", () => {
  it("a lock path that is a directory (apply, init)", () => {
    const f = fixture();
    mkdirSync(f.lockPath, { recursive: true });
    expectTyped(f.run(["apply", ...f.args()]), "lock_path_invalid", f.lockPath);
    expectTyped(
      f.run(["init", f.repo, "v1", "--state-file", f.stateFile, "--lock-path", f.lockPath]),
      "lock_path_invalid",
      f.lockPath,
    );
  });

  it("init --force over a state path that is a directory leaves the directory alone", () => {
    const f = fixture();
    mkdirSync(join(f.stateFile, "keep"), { recursive: true });
    const args = ["init", f.repo, "v1", "--state-file", f.stateFile];
    expectTyped(f.run([...args, "--force"]), "state_path_is_directory", f.stateFile);
    expectTyped(f.run(args), "state_path_is_directory", f.stateFile);
    expect(readdirSync(f.stateFile)).toEqual(["keep"]);
  });

  it("a state file or lock that is a FIFO is refused at once, never waited on (status, apply)", () => {
    const f = fixture();
    mkdirSync(join(f.dir, "state"), { recursive: true });
    const fifo = join(f.dir, "state", "fifo.json");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const status = f.run(["status", "--json", "--state-file", fifo, "--lock-path", f.lockPath]);
    expect(status.status, status.stderr).toBe(0);
    const view = JSON.parse(status.stdout) as StatusView;
    expect(view.absent_reason).toContain("a FIFO, not a regular file");
    expectTyped(
      f.run(["apply", "--root", f.root, "--state-file", fifo, "--lock-path", f.lockPath, "--host", "h1"]),
      "state_invalid",
      fifo,
    );
    mkdirSync(join(f.dir, "run"), { recursive: true });
    expect(spawnSync("mkfifo", [f.lockPath]).status).toBe(0);
    expectTyped(f.run(["apply", ...f.args()]), "lock_path_invalid", f.lockPath);
  });

  it("a full file system under the state directory (ENOSPC): typed, and the previous status.json intact", () => {
    const f = fixture();
    const stateDir = join(f.dir, "state");
    mkdirSync(stateDir, { recursive: true });
    // A private mount namespace (as a mapped root user when not root): the tmpfs disappears with it.
    const script = [
      "set -u",
      `mount -t tmpfs -o size=512k tmpfs "${stateDir}" || exit 99`,
      `node "$CLI" init "$REPO" v1 --state-file "$STATE" || exit 98`,
      `cp "$STATE" "$STATE.before"`,
      `dd if=/dev/zero of="${stateDir}/filler" bs=4k 2>/dev/null`,
      `node "$CLI" apply --root "$ROOT" --state-file "$STATE" --host h1; echo "apply-exit=$?"`,
      `node "$CLI" init "$REPO" v1 --force --state-file "$STATE"; echo "init-exit=$?"`,
      `cmp "$STATE" "$STATE.before" && echo unchanged`,
    ].join("\n");
    const r = spawnSync("unshare", [...(process.getuid?.() === 0 ? [] : ["-r"]), "-m", "sh", "-c", script], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${join(process.execPath, "..")}:${process.env.PATH ?? ""}`,
        CLI,
        REPO: f.repo,
        STATE: f.stateFile,
        CORE_OPS_LOCK_PATH: f.lockPath,
        ROOT: f.root,
      },
      timeout: 120_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain("apply-exit=1");
    expect(r.stdout).toContain("init-exit=1");
    expect(r.stdout).toContain("unchanged");
    expectTyped({ status: 1, stderr: r.stderr }, "state_no_space", stateDir);
    expect(r.stderr).toMatch(/hint: the file system of the state directory is full/);
  });
});

describe("modes", () => {
  it("status.json, snapshots.json and stored contents are 0600", () => {
    const f = fixture();
    expect(f.run(["init", f.repo, "v1", "--state-file", f.stateFile]).status).toBe(0);
    expect(f.run(["apply", ...f.args()]).status).toBe(0);
    const files = [f.stateFile, snapshotsPathFor(f.stateFile)];
    for (const p of files) expect({ p, mode: statSync(p).mode & 0o777 }).toEqual({ p, mode: 0o600 });
    const objects = objectsDirFor(f.stateFile);
    for (const e of readdirSync(objects, { withFileTypes: true, recursive: true }))
      if (e.isFile()) files.push(join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThan(2);
    for (const p of files) expect({ p, mode: statSync(p).mode & 0o777 }).toEqual({ p, mode: 0o600 });
  });
});
