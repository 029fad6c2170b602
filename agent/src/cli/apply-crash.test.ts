/**
 * Crash safety and concurrency of `core-ops apply --root` as real processes (issue 4 §5):
 * - SIGKILL at many random points (CORE_OPS_CRASH_KILLS, default 50): status.json always parses, and the
 *   next apply converges (the dead run's lock is recovered, interrupted temp files are cleaned up);
 * - two simultaneous applies: exactly one runs, the other names the lock holder.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSnapshots, snapshotsPathFor } from "../state/snapshots.js";
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

describe("crash safety", () => {
  it("survives SIGKILL at random points: status.json parses and the next apply converges", async () => {
    const kills = Number(process.env.CORE_OPS_CRASH_KILLS ?? "50");
    const f = new Fixture();
    fixtures.push(f);
    const v1 = f.commit(demoTree("1", { services: services(40) }), "v1");
    const v2 = f.commit(demoTree("2", { services: services(40) }), "v2");
    f.moveMain("v1");
    expect(
      f.run(["init", f.repo, "main", "--state-file", f.stateFile, "--lock-path", f.lockPath]).status,
    ).toBe(0);

    // Measure one uninterrupted apply to spread the kill points over its whole duration.
    const t0 = Date.now();
    expect(f.run(["apply", ...f.args()]).status).toBe(0);
    const duration = Date.now() - t0;

    let killedRunning = 0;
    let lockLeftBehind = 0;
    let sawInProgress = 0;
    for (let i = 0; i < kills; i++) {
      const target = i % 2 === 0 ? "v2" : "v1";
      f.moveMain(target);
      const child = f.spawnApply();
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      // Half of the kills at a random point of the whole run; the other half once the run has recorded
      // in_progress (side effects under way), a random 0–250 ms later.
      let delay: number;
      if (i % 2 === 0) {
        delay = Math.floor(Math.random() * duration * 1.1);
        await new Promise((r) => setTimeout(r, delay));
      } else {
        const t0 = Date.now();
        while (child.exitCode === null && Date.now() - t0 < duration * 3) {
          const st = await readStatus(f.stateFile);
          if (st.kind === "ok" && st.status.reconciliation.status === "in_progress") break;
          await new Promise((r) => setTimeout(r, 2));
        }
        const extra = Math.floor(Math.random() * 250);
        await new Promise((r) => setTimeout(r, extra));
        delay = Date.now() - t0;
      }
      if (child.exitCode === null && child.kill("SIGKILL")) killedRunning += 1;
      await exited;
      if (existsSync(f.lockPath)) lockLeftBehind += 1;

      const read = await readStatus(f.stateFile);
      expect(read.kind, `after kill ${i} at ${delay} ms: ${read.kind === "invalid" ? read.reason : ""}`).toBe(
        "ok",
      );
      if (read.kind === "ok" && read.status.reconciliation.status === "in_progress") sawInProgress += 1;
      expect(readSnapshots(snapshotsPathFor(f.stateFile)).kind).not.toBe("invalid");

      const next = f.run(["apply", ...f.args(["--json"])]);
      expect(next.status, `apply after kill ${i}: ${next.stderr}`).toBe(0);
      const view = JSON.parse(next.stdout) as ResultView;
      expect(view.outcome).toBe("converged");
      expect(view.state.last_applied_revision).toBe(target === "v2" ? v2 : v1);
      expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe(
        `VERSION=${target === "v2" ? 2 : 1}\n`,
      );
    }
    // No interrupted-write debris survives a converging apply.
    expect(walk(f.root).filter((p) => p.includes(".core-ops-tmp-"))).toEqual([]);
    process.stdout.write(
      `crash safety: ${kills} SIGKILLs tried (${killedRunning} hit a running apply; ${lockLeftBehind} left a lock, ${sawInProgress} left in_progress); every status.json parsed and every next apply converged\n`,
    );
    expect(killedRunning).toBeGreaterThan(kills / 3);
    expect(sawInProgress).toBeGreaterThan(0);
  }, 600_000);
});

describe("concurrency", () => {
  it("two simultaneous applies: exactly one runs, the other reports the lock holder", async () => {
    const f = new Fixture();
    fixtures.push(f);
    f.commit(demoTree("1", { services: services(150) }), "v1");
    expect(
      f.run(["init", f.repo, "main", "--state-file", f.stateFile, "--lock-path", f.lockPath]).status,
    ).toBe(0);
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
