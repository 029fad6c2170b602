/**
 * Crash safety and concurrency of `core-ops apply --root` as real processes:
 * - SIGKILL at many random points (CORE_OPS_CRASH_KILLS, default 50) — also while the content store,
 *   snapshots.json and status.json of a converged run are being written and the store is collected:
 *   status.json always parses, never says success before that success's snapshot and contents exist,
 *   every content a snapshot names is in the store, and the next apply converges (the dead run's lock is
 *   recovered, interrupted temp files are cleaned up);
 * - two simultaneous applies: exactly one runs, the other names the lock holder.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { digestOf, listObjects, objectPath, objectsDirFor, readObject } from "../state/content-store.js";
import { readSnapshots, referencedDigests, snapshotsPathFor } from "../state/snapshots.js";
import { readStatus } from "../state/status.js";
import type { ResultView } from "../views/result-view.js";
import { demoTree, Fixture } from "./test-support/cli-fixture.js";

const fixtures: Fixture[] = [];
afterAll(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

function services(n: number): string[] {
  return ["web", "backup", ...Array.from({ length: n }, (_, i) => `svc${String(i).padStart(3, "0")}`)];
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** 1 MiB, binary, different for every revision: its store write is a window the kills aim at. */
function bigBlob(i: number): Buffer {
  const line = Buffer.from(`revision ${i} of a large rendered file\n`);
  const out = Buffer.alloc(1 << 20);
  for (let off = 1; off < out.length; off += line.length) line.copy(out, off);
  return out; // byte 0 is NUL: binary
}

/** Every digest snapshots.json names is in the store with exactly its bytes (readObject checks). */
function assertStoreConsistent(stateFile: string, where: string): Set<string> {
  const read = readSnapshots(snapshotsPathFor(stateFile));
  expect(read.kind, `${where}: ${read.kind === "invalid" ? read.reason : ""}`).not.toBe("invalid");
  if (read.kind !== "ok") return new Set();
  const digests = referencedDigests(read.file);
  for (const d of digests) expect(() => readObject(objectsDirFor(stateFile), d), where).not.toThrow();
  return new Set(read.file.snapshots.map((x) => x.revision));
}

describe("crash safety", () => {
  it("survives SIGKILL at random points: status.json parses and the next apply converges", async () => {
    const kills = Number(process.env.CORE_OPS_CRASH_KILLS ?? "50");
    const f = new Fixture();
    fixtures.push(f);
    const tree = (i: number) => ({
      ...demoTree(String(i), { services: services(40) }),
      "services/web/config/etc/web/big.bin": bigBlob(i),
    });
    f.commit(tree(0), "r0");
    expect(f.run(["init", f.repo, "main", "--state-file", f.stateFile]).status).toBe(0);

    // Measure one uninterrupted apply to spread the kill points over its whole duration.
    const t0 = Date.now();
    expect(f.run(["apply", ...f.args()]).status).toBe(0);
    const duration = Date.now() - t0;

    let killedRunning = 0;
    let lockLeftBehind = 0;
    let sawInProgress = 0;
    let killedWhileRecording = 0;
    const revisions: string[] = [];
    for (let i = 0; i < kills; i++) {
      // A new revision every time: each apply stores new content, writes a new snapshot and (after ten)
      // garbage-collects the content of the snapshot that falls out.
      const target = f.commit(tree(i + 1), `r${i + 1}`);
      revisions.push(target);
      const blobPath = objectPath(objectsDirFor(f.stateFile), digestOf(bigBlob(i + 1)));
      const child = f.spawnApply();
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      // A third of the kills at a random point of the whole run; a third once the run has recorded
      // in_progress (side effects under way), a random 0–250 ms later; a third once the new content is
      // in the store (snapshots.json, status.json and GC still to come), a random 0–30 ms later.
      let delay: number;
      const mode = i % 3;
      const t1 = Date.now();
      if (mode === 0) {
        delay = Math.floor(Math.random() * duration * 1.1);
        await new Promise((r) => setTimeout(r, delay));
      } else {
        while (child.exitCode === null && Date.now() - t1 < duration * 3) {
          if (mode === 1) {
            const st = await readStatus(f.stateFile);
            if (st.kind === "ok" && st.status.reconciliation.status === "in_progress") break;
          } else if (existsSync(blobPath)) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        const extra = Math.floor(Math.random() * (mode === 1 ? 250 : 30));
        await new Promise((r) => setTimeout(r, extra));
        delay = Date.now() - t1;
      }
      if (child.exitCode === null && child.kill("SIGKILL")) killedRunning += 1;
      await exited;
      if (existsSync(f.lockPath)) lockLeftBehind += 1;

      const where = `after kill ${i} (mode ${mode}) at ${delay} ms`;
      const read = await readStatus(f.stateFile);
      expect(read.kind, `${where}: ${read.kind === "invalid" ? read.reason : ""}`).toBe("ok");
      if (read.kind !== "ok") continue;
      const rec = read.status.reconciliation;
      if (rec.status === "in_progress") sawInProgress += 1;
      if (rec.status === "in_progress" && existsSync(blobPath)) killedWhileRecording += 1;
      // Write order: status.json never says success before that success's snapshot and contents exist.
      const retained = assertStoreConsistent(f.stateFile, where);
      if (rec.status === "success" && rec.last_applied_revision)
        expect(retained.has(rec.last_applied_revision), where).toBe(true);

      const next = f.run(["apply", ...f.args(["--json"])]);
      expect(next.status, `apply after kill ${i}: ${next.stderr}`).toBe(0);
      const view = JSON.parse(next.stdout) as ResultView;
      expect(view.outcome).toBe("converged");
      expect(view.state.last_applied_revision).toBe(target);
      expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe(`VERSION=${i + 1}\n`);
      assertStoreConsistent(f.stateFile, `after the apply following kill ${i}`);
    }
    // No interrupted-write debris survives a converging apply, in the root or the store; the store holds
    // exactly what the retained snapshots name (the rest was collected).
    expect(walk(f.root).filter((p) => p.includes(".core-ops-tmp-"))).toEqual([]);
    expect(walk(objectsDirFor(f.stateFile)).filter((p) => p.includes(".core-ops-tmp-"))).toEqual([]);
    const snaps = readSnapshots(snapshotsPathFor(f.stateFile));
    if (snaps.kind !== "ok") throw new Error("snapshots.json missing after the runs");
    expect(new Set(listObjects(objectsDirFor(f.stateFile)))).toEqual(referencedDigests(snaps.file));
    // An older revision still rolls back from its stored content.
    const older = revisions[Math.max(0, revisions.length - 3)] as string;
    const back = f.run(["apply", ...f.args(["--rollback-to", older, "--json"])]);
    expect(back.status, back.stderr).toBe(0);
    expect(readFileSync(join(f.root, "etc/web/big.bin")).equals(bigBlob(revisions.indexOf(older) + 1))).toBe(
      true,
    );
    process.stdout.write(
      `crash safety: ${kills} SIGKILLs tried (${killedRunning} hit a running apply; ${lockLeftBehind} left a lock, ${sawInProgress} left in_progress, ${killedWhileRecording} of them after the new content was stored); every status.json parsed, every snapshot's content was in the store, and every next apply converged\n`,
    );
    expect(killedRunning).toBeGreaterThan(kills / 3);
    expect(sawInProgress).toBeGreaterThan(0);
    if (kills >= 9) expect(killedWhileRecording).toBeGreaterThan(0);
  }, 900_000);
});

describe("concurrency", () => {
  it("two simultaneous applies: exactly one runs, the other reports the lock holder", async () => {
    const f = new Fixture();
    fixtures.push(f);
    f.commit(demoTree("1", { services: services(150) }), "v1");
    expect(f.run(["init", f.repo, "main", "--state-file", f.stateFile]).status).toBe(0);
    const a = f.spawnApply();
    const b = f.spawnApply();
    const collect = (c: typeof a) =>
      new Promise<{ pid: number; code: number | null; stderr: string }>((resolve) => {
        let stderr = "";
        c.stderr?.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        c.on("exit", (code) => resolve({ pid: c.pid ?? -1, code, stderr }));
      });
    const results = await Promise.all([collect(a), collect(b)]);
    const winners = results.filter((r) => r.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]?.code).toBe(1);
    expect(losers[0]?.stderr).toContain(`another core-ops run holds the lock: pid ${winners[0]?.pid}`);
    expect(losers[0]?.stderr).toContain("(apply)");
    expect(existsSync(f.lockPath)).toBe(false);
  }, 300_000);
});
