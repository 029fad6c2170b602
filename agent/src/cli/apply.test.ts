/**
 * `core-ops apply` / `agent` end to end with `--root` on temp dirs: real git repositories,
 * the compiled CLI as a real process, real files. Runtime behaviour (systemctl, Podman, mounts) is the
 * VM scenarios' job.
 */
import { existsSync, lstatSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readSnapshots, snapshotsPathFor } from "../state/snapshots.js";
import { type Status, StatusSchema } from "../state/status.js";
import type { ResultView } from "../views/result-view.js";
import { demoTree, Fixture } from "./test-support/cli-fixture.js";

const fixtures: Fixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});
function fixture(): Fixture {
  const f = new Fixture();
  fixtures.push(f);
  return f;
}
function status(f: Fixture): Status {
  return StatusSchema.parse(JSON.parse(readFileSync(f.stateFile, "utf8")));
}
function applyJson(
  f: Fixture,
  extra: string[] = [],
): { code: number | null; view: ResultView; stderr: string } {
  const r = f.run(["apply", ...f.args(["--json", ...extra])]);
  return { code: r.status, view: JSON.parse(r.stdout || "null") as ResultView, stderr: r.stderr };
}
const Q = "etc/containers/systemd";
const U = "etc/systemd/system";

describe("apply --root", () => {
  it("applies, then re-applies with no writes and no systemctl calls, and corrects drift", () => {
    const f = fixture();
    const v1 = f.commit(demoTree("1"), "v1");
    expect(f.run(["init", f.repo, "main", "--state-file", f.stateFile]).status).toBe(0);

    const first = applyJson(f);
    expect(first.code, first.stderr).toBe(0);
    expect(first.view.outcome).toBe("converged");
    expect(readFileSync(join(f.root, Q, "web.container"), "utf8")).toMatch(/^# Managed by CoreOps\n\[Unit\]/);
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=1\n");
    expect(readlinkSync(join(f.root, U, "timers.target.wants/backup.timer"))).toBe(
      "/etc/systemd/system/backup.timer",
    );
    const s1 = status(f);
    expect(s1.reconciliation).toMatchObject({ status: "success", generation: 1, last_applied_revision: v1 });
    expect(s1.inventory.map((o) => o.id)).toContain("file//etc/web/app.env");
    const snaps = readSnapshots(snapshotsPathFor(f.stateFile));
    expect(snaps.kind === "ok" ? snaps.file.snapshots.map((s) => s.revision) : []).toEqual([v1]);

    const mtime = statSync(join(f.root, Q, "web.container")).mtimeMs;
    const again = applyJson(f);
    expect(again.code).toBe(0);
    expect(again.view.summary).toMatchObject({ writes: 0, systemctl_calls: 0, changed_count: 0 });
    expect(again.view.events.filter((e) => e.phase === "execution")).toEqual([]);
    // Where the time went: every phase is reported, and the parts never exceed the total.
    const d = first.view.durations;
    expect(d).toBeDefined();
    if (d) {
      const { total_ms, ...parts } = d;
      expect(d.resolution_ms).toBeGreaterThan(0);
      expect(d.planning_ms).toBeGreaterThan(0);
      expect(Object.values(parts).reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(total_ms + 1);
    }
    expect(first.view.warnings).toEqual([]);
    const verbose = f.run(["apply", ...f.args(["-v"])]);
    expect(verbose.status, verbose.stderr).toBe(0);
    expect(verbose.stdout).toMatch(
      /^Durations: start-up \d+\.\d\d s, resolution \d+\.\d\d s, planning .*, total \d+\.\d\d s$/m,
    );
    expect(f.run(["apply", ...f.args([])]).stdout).not.toContain("Durations:");
    expect(statSync(join(f.root, Q, "web.container")).mtimeMs).toBe(mtime);

    // Drift: a file edited by hand and a file deleted by hand.
    writeFileSync(join(f.root, "etc/web/app.env"), "VERSION=hacked\n");
    rmSync(join(f.root, U, "backup.service"));
    const plan = f.run(["plan", "--json", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"]);
    const planView = JSON.parse(plan.stdout) as {
      entries: { object: { display_id: string }; drift: { category: string }[] }[];
    };
    const env = planView.entries.find((e) => e.object.display_id === "file//etc/web/app.env");
    expect(env?.drift.map((d) => d.category)).toContain("external_drift");
    const fixed = applyJson(f);
    expect(fixed.code).toBe(0);
    expect(
      fixed.view.events
        .filter((e) => e.operation === "write")
        .map((e) => e.target)
        .sort(),
    ).toEqual(["/etc/systemd/system/backup.service", "/etc/web/app.env"]);
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=1\n");
    expect(existsSync(join(f.root, U, "backup.service"))).toBe(true);
    expect(status(f).reconciliation.generation).toBe(5); // three applies above, plus the -v and the plain one that check the durations line
  });

  it("removes what left the desired state, never an unmanaged file, and refuses a mass delete", () => {
    const f = fixture();
    f.commit(demoTree("1", { services: ["web", "backup", "a", "b", "c"] }), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    expect(applyJson(f).code).toBe(0);
    writeFileSync(join(f.root, U, "handmade.service"), "[Service]\nExecStart=/bin/true\n");

    f.commit(demoTree("1", { services: ["web", "a", "b", "c"] }), "v2");
    const removal = applyJson(f);
    expect(removal.code, removal.stderr).toBe(0);
    expect(existsSync(join(f.root, U, "backup.service"))).toBe(false);
    expect(existsSync(join(f.root, U, "backup.timer"))).toBe(false);
    expect(() => lstatSync(join(f.root, U, "timers.target.wants/backup.timer"))).toThrow();
    expect(existsSync(join(f.root, U, "handmade.service"))).toBe(true);

    f.commit(demoTree("1", { services: ["c"] }), "v3");
    const before = status(f);
    const refused = applyJson(f);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /refusing to apply: the plan deletes \d+ of \d+ managed objects \(more than half\)/,
    );
    expect(refused.stderr).toContain("--allow-mass-delete");
    expect(status(f)).toEqual(before);
    expect(existsSync(join(f.root, Q, "web.container"))).toBe(true);
    const allowed = applyJson(f, ["--allow-mass-delete"]);
    expect(allowed.code).toBe(0);
    expect(existsSync(join(f.root, Q, "web.container"))).toBe(false);
    expect(existsSync(join(f.root, Q, "c.container"))).toBe(true);
  });
});

describe("rollback and hold", () => {
  it("rolls back to a retained snapshot, holds, and resumes when the ref moves or on re-attach", () => {
    const f = fixture();
    const v1 = f.commit(demoTree("1"), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    expect(applyJson(f).code).toBe(0);
    const v2 = f.commit(demoTree("2"), "v2");
    expect(applyJson(f).code).toBe(0);
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=2\n");

    // Ineligible target: fails before any side effect.
    const bad = f.run(["apply", ...f.args(["--rollback-to", "0000000000000000000000000000000000000000"])]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("is missing_snapshot: no retained snapshot found");

    const preview = f.run(["apply", ...f.args(["--rollback-to", v1.slice(0, 8), "--rollback-plan-only"])]);
    expect(preview.status, preview.stderr).toBe(0);
    expect(preview.stdout).toContain("update");
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=2\n");

    const rb = applyJson(f, ["--rollback-to", v1.slice(0, 8)]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.view.mode).toBe("rollback");
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=1\n");
    const held = status(f);
    expect(held.reconciliation.last_applied_revision).toBe(v1);
    expect(held.hold).toMatchObject({ held: true, rolled_back_from: v2 });
    expect(f.run(["status", "--state-file", f.stateFile]).stdout).toMatch(/hold: HELD since/);
    const heldPlan = f.run(["plan", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"]);
    expect(heldPlan.stdout.split("\n").filter((l) => l.includes("HELD since"))).toHaveLength(1);

    // The agent does not re-apply the revision that was rolled back from.
    const agent = f.run(["agent", ...f.args()]);
    expect(agent.status).toBe(0);
    const line = JSON.parse(agent.stdout.trim()) as { outcome: string; reason: string };
    expect(line.outcome).toBe("held");
    expect(agent.stdout.trim().split("\n")).toHaveLength(1);
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=1\n");
    expect(applyJson(f).code).toBe(1);

    // The tracked ref moves: the hold is released and the new revision applied.
    const v3 = f.commit(demoTree("3"), "v3");
    const resumed = f.run(["agent", ...f.args()]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout.trim())).toMatchObject({
      outcome: "converged",
      revision: v3,
      last_applied_revision: v3,
    });
    expect(status(f).hold).toBeNull();
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=3\n");

    // Roll back again, then re-attach deliberately with init --force.
    expect(applyJson(f, ["--rollback-to", v2]).code).toBe(0);
    expect(JSON.parse(f.run(["agent", ...f.args()]).stdout.trim()).outcome).toBe("held");
    expect(f.run(["init", f.repo, "main", "--force", "--state-file", f.stateFile]).status).toBe(0);
    const reattached = f.run(["agent", ...f.args()]);
    expect(JSON.parse(reattached.stdout.trim())).toMatchObject({
      outcome: "converged",
      last_applied_revision: v3,
    });
  });

  it("holds what the tracked ref resolved to at rollback time, even if it was never applied", () => {
    const f = fixture();
    const v1 = f.commit(demoTree("1"), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    expect(applyJson(f).code).toBe(0);
    // The ref moves to v2, which is observed (init --force) but never converges here: roll back to v1.
    const v2 = f.commit(demoTree("2"), "v2");
    expect(f.run(["init", f.repo, "main", "--force", "--state-file", f.stateFile]).status).toBe(0);
    const rb = applyJson(f, ["--rollback-to", v1]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(status(f).hold).toMatchObject({ held: true, rolled_back_from: v2 });

    // One admission decision: agent, apply, plan and status all say held for v2.
    const agent = JSON.parse(f.run(["agent", ...f.args()]).stdout.trim()) as { outcome: string };
    expect(agent.outcome).toBe("held");
    const apply = applyJson(f);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("error[held]");
    const plan = JSON.parse(
      f.run(["plan", "--json", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"]).stdout,
    ) as { admission: { decision: string; rolled_back_from: string } };
    expect(plan.admission).toMatchObject({ decision: "held", rolled_back_from: v2 });
    const st = JSON.parse(f.run(["status", "--json", "--state-file", f.stateFile]).stdout) as {
      admission: { decision: string };
    };
    expect(st.admission.decision).toBe("held");
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=1\n");
    expect(status(f).reconciliation.last_applied_revision).toBe(v1);

    // After the ref moved, plan no longer says HELD: it says the hold is released.
    f.commit(demoTree("3"), "v3");
    const moved = JSON.parse(
      f.run(["plan", "--json", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"]).stdout,
    ) as { admission: { decision: string }; notes: string[] };
    expect(moved.admission.decision).toBe("released");
    expect(moved.notes.join("\n")).not.toContain("HELD");
  });

  it("agent: uninitialized exits 0 with one JSON line; CORE_OPS_REPO/CORE_OPS_REV initialize tracking", () => {
    const f = fixture();
    const v1 = f.commit(demoTree("1"), "v1");
    const none = f.run(["agent", ...f.args()]);
    expect(none.status).toBe(0);
    expect(JSON.parse(none.stdout.trim())).toMatchObject({ outcome: "skipped" });
    expect(none.stderr).toContain("not initialized");
    const seeded = f.run(["agent", ...f.args()], { CORE_OPS_REPO: f.repo, CORE_OPS_REV: "v1" });
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout.trim())).toMatchObject({
      outcome: "converged",
      requested_ref: "v1",
      revision: v1,
    });
    expect(status(f).desired_state?.requested_ref).toBe("v1");

    // The tracked ref differs from the environment: the environment wins, and says so.
    const v2 = f.commit(demoTree("2"), "v2");
    const moved = f.run(["agent", ...f.args()], { CORE_OPS_REPO: f.repo, CORE_OPS_REV: "v2" });
    expect(moved.status, moved.stderr).toBe(0);
    expect(moved.stderr).toContain("the environment wins");
    expect(JSON.parse(moved.stdout.trim())).toMatchObject({
      outcome: "converged",
      requested_ref: "v2",
      revision: v2,
    });
    expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=2\n");
  });
});
