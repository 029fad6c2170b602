/**
 * Ownership end to end (README "What CoreOps owns and where it writes"): the compiled CLI as a real
 * process on real git repositories and real files under an offline root. Edited bytes are saved before
 * they are overwritten, edited objects that are no longer desired are kept, take-over is reported by
 * apply itself, modes are never widened, and every command uses the same effective directories.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BackupIndexSchema } from "../state/backups.js";
import { StatusSchema } from "../state/status.js";
import type { PlanView } from "../views/plan-view.js";
import type { ResultView } from "../views/result-view.js";
import type { StatusView } from "../views/status-view.js";
import { demoTree, Fixture, type Tree } from "./test-support/cli-fixture.js";

const fixtures: Fixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});
function fixture(): Fixture {
  const f = new Fixture();
  fixtures.push(f);
  return f;
}
function applyJson(f: Fixture, extra: string[] = []): { code: number | null; view: ResultView } {
  const r = f.run(["apply", ...f.args(["--json", ...extra])]);
  expect(r.stderr).toBe("");
  return { code: r.status, view: JSON.parse(r.stdout) as ResultView };
}
function planJson(f: Fixture, extra: string[] = []): PlanView {
  const r = f.run([
    "plan",
    "--json",
    "--root",
    f.root,
    "--state-file",
    f.stateFile,
    "--host",
    "h1",
    ...extra,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PlanView;
}
function backupDir(f: Fixture): string {
  return join(dirname(f.stateFile), "backup");
}
function backupIndex(f: Fixture) {
  return BackupIndexSchema.parse(JSON.parse(readFileSync(join(backupDir(f), "index.json"), "utf8")));
}
const mode = (p: string) => statSync(p).mode & 0o777;
const ENV = "etc/web/app.env";
/** Five services: removing `web` deletes 3 of 8 objects (under the mass-delete bound). */
const WITH_WEB = ["web", "backup", "a", "b", "c"];
const WITHOUT_WEB = ["backup", "a", "b", "c"];

describe("never destroy someone else's change", () => {
  it("saves a hand edit of a declared file (0600, listed by status) before restoring it", () => {
    const f = fixture();
    f.commit(demoTree("1"), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    expect(applyJson(f).code).toBe(0);
    writeFileSync(join(f.root, ENV), "VERSION=hand-edited\n");

    const { code, view } = applyJson(f);
    expect(code).toBe(0);
    expect(readFileSync(join(f.root, ENV), "utf8")).toBe("VERSION=1\n");
    expect(view.backups?.saved).toMatchObject([{ path: "/etc/web/app.env", reason: "edited" }]);
    const [entry] = backupIndex(f).entries;
    expect(entry).toMatchObject({ path: "/etc/web/app.env", reason: "edited", kind: "file" });
    const saved = join(backupDir(f), entry?.file ?? "");
    expect(readFileSync(saved, "utf8")).toBe("VERSION=hand-edited\n");
    expect(mode(saved)).toBe(0o600);
    expect(mode(join(backupDir(f), "index.json"))).toBe(0o600);
    expect(mode(backupDir(f))).toBe(0o700);

    const status = f.run(["status", "--state-file", f.stateFile, "--json"]);
    const sv = JSON.parse(status.stdout) as StatusView;
    expect(sv.backups?.entries.map((e) => e.path)).toEqual(["/etc/web/app.env"]);
    expect(f.run(["status", "--state-file", f.stateFile]).stdout).toMatch(
      /backups: 1 in .*\n {2}\S+ \/etc\/web\/app\.env \(edited, 20 bytes\)/,
    );
    // A converged re-apply saves nothing.
    expect(applyJson(f).view.backups?.saved).toEqual([]);
  });

  it("keeps an edited object that is no longer declared, says so in plan, and deletes it only with --delete-edited", () => {
    const f = fixture();
    f.commit(demoTree("1", { services: WITH_WEB }), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    expect(applyJson(f).code).toBe(0);
    writeFileSync(join(f.root, ENV), "VERSION=hand-edited\n");
    f.commit(demoTree("1", { services: WITHOUT_WEB }), "v2");
    f.moveMain("v2");

    const plan = planJson(f);
    const env = plan.entries.find((e) => e.object.display_id === "file//etc/web/app.env");
    expect(env?.action).toBe("skipped");
    expect(env?.causes[0]?.summary).toMatch(/edited on the host.*kept, not deleted; pass --delete-edited/);
    expect(env?.notes.join(" ")).toMatch(/no unit of its own/);
    expect(plan.entries.find((e) => e.object.display_id === "container/web.container")?.action).toBe(
      "delete",
    );
    const human = f.run(["plan", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"]).stdout;
    expect(human).toMatch(/skipped\s+file\/\/etc\/web\/app\.env\n\s+drift: edited on the host/);

    const keptText = f.run(["apply", ...f.args()]);
    expect(keptText.stdout).toMatch(
      /skipped {3}file\/\/etc\/web\/app\.env: edited on the host .*kept, not deleted/,
    );
    const kept = applyJson(f);
    expect(kept.code).toBe(0);
    expect(kept.view.outcome).toBe("converged");
    expect(readFileSync(join(f.root, ENV), "utf8")).toBe("VERSION=hand-edited\n");
    expect(existsSync(join(f.root, "etc/containers/systemd/web.container"))).toBe(false);
    const status = StatusSchema.parse(JSON.parse(readFileSync(f.stateFile, "utf8")));
    expect(status.inventory.map((o) => o.id)).toContain("file//etc/web/app.env");
    // Still kept on the next run (not mistaken for stale residue), and nothing written.
    const again = applyJson(f);
    expect(again.view.summary.writes).toBe(0);
    expect(readFileSync(join(f.root, ENV), "utf8")).toBe("VERSION=hand-edited\n");

    const planDel = planJson(f, ["--delete-edited"]);
    expect(planDel.entries.find((e) => e.object.display_id === "file//etc/web/app.env")?.action).toBe(
      "delete",
    );
    const deleted = applyJson(f, ["--delete-edited"]);
    expect(deleted.code).toBe(0);
    expect(existsSync(join(f.root, ENV))).toBe(false);
    expect(deleted.view.backups?.saved).toMatchObject([{ path: "/etc/web/app.env", reason: "edited" }]);
  });

  it("says in apply's own output that a pre-existing file was taken over, saves its bytes, and never widens its mode", () => {
    const f = fixture();
    f.commit(demoTree("1"), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    mkdirSync(join(f.root, "etc/web"), { recursive: true });
    writeFileSync(join(f.root, ENV), "SECRET=pre-existing\n");
    chmodSync(join(f.root, ENV), 0o600);

    const r = f.run(["apply", ...f.args()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /saved {5}\/etc\/web\/app\.env: taken over \(not written by CoreOps\); old bytes in /,
    );
    expect(readFileSync(join(f.root, ENV), "utf8")).toBe("VERSION=1\n");
    const [entry] = backupIndex(f).entries;
    expect(entry).toMatchObject({ path: "/etc/web/app.env", reason: "taken_over", mode: 0o600 });
    expect(readFileSync(join(backupDir(f), entry?.file ?? ""), "utf8")).toBe("SECRET=pre-existing\n");
  });

  it("taking over an existing file without a declared mode never widens its mode, and stays converged", () => {
    const f = fixture();
    f.commit(demoTree("1"), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    mkdirSync(join(f.root, "etc/web"), { recursive: true });
    writeFileSync(join(f.root, ENV), "SECRET=pre-existing\n");
    chmodSync(join(f.root, ENV), 0o640);
    expect(applyJson(f).code).toBe(0);
    expect(readFileSync(join(f.root, ENV), "utf8")).toBe("VERSION=1\n");
    expect(mode(join(f.root, ENV))).toBe(0o640);
    // A file CoreOps creates gets the default; the narrower mode is what the next plan expects.
    expect(mode(join(f.root, "etc/containers/systemd/web.container"))).toBe(0o644);
    expect(planJson(f).summary.changed_count).toBe(0);
    expect(applyJson(f).view.summary.writes).toBe(0);
    // An edit that widens the mode is restored to the default, never left wider.
    chmodSync(join(f.root, ENV), 0o666);
    expect(applyJson(f).code).toBe(0);
    expect(mode(join(f.root, ENV))).toBe(0o644);
  });

  it("refuses to keep backups in a directory systemd reads, before anything is written", () => {
    const f = fixture();
    f.commit(demoTree("1"), "v1");
    const stateFile = join(f.root, "etc/containers/systemd/state/status.json");
    f.run(["init", f.repo, "main", "--state-file", stateFile]);
    const r = f.run([
      "apply",
      "--root",
      f.root,
      "--state-file",
      stateFile,
      "--lock-path",
      f.lockPath,
      "--host",
      "h1",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error\[backup_dir_refused\]/);
    expect(existsSync(join(f.root, ENV))).toBe(false);
  });
});

describe("one effective directory for every command", () => {
  const tree = (extra: Tree = {}): Tree => ({ ...demoTree("1"), ...extra });

  it("plan honours CORE_OPS_QUADLET_DIR like the agent does, and agrees with what the agent applied", () => {
    const f = fixture();
    f.commit(tree(), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    const env = { CORE_OPS_QUADLET_DIR: "/etc/qd", CORE_OPS_SYSTEMD_UNIT_DIR: "/etc/ud" };
    const agent = f.run(["agent", ...f.args()], env);
    expect(JSON.parse(agent.stdout.trim()).outcome).toBe("converged");
    expect(existsSync(join(f.root, "etc/qd/web.container"))).toBe(true);
    const plan = f.run(
      [
        "plan",
        "--json",
        "--root",
        f.root,
        "--state-file",
        f.stateFile,
        "--host",
        "h1",
        "--detailed-exitcode",
      ],
      env,
    );
    expect(plan.status, plan.stdout).toBe(0);
    const view = JSON.parse(plan.stdout) as PlanView;
    expect(view.observation.quadlet_dir).toBe("/etc/qd");
    expect(view.observation.systemd_unit_dir).toBe("/etc/ud");
    // The flag still wins over the environment.
    const flagged = f.run(
      [
        "plan",
        "--json",
        "--root",
        f.root,
        "--state-file",
        f.stateFile,
        "--host",
        "h1",
        "--quadlet-dir",
        "/etc/q2",
      ],
      env,
    );
    expect((JSON.parse(flagged.stdout) as PlanView).observation.quadlet_dir).toBe("/etc/q2");
  });

  it("a rendered file colliding with a unit under a non-default dir is exit 65 for plan, apply and agent", () => {
    const f = fixture();
    f.commit(tree({ "services/web/config/etc/qd/web.container": "[Container]\nImage=x\n" }), "v1");
    f.run(["init", f.repo, "main", "--state-file", f.stateFile]);
    const env = { CORE_OPS_QUADLET_DIR: "/etc/qd" };
    const plan = f.run(["plan", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"], env);
    expect(plan.status).toBe(65);
    expect(plan.stderr).toMatch(
      /error\[destination_conflict\]: services\/web\/config\/etc\/qd\/web\.container/,
    );
    expect(f.run(["apply", ...f.args()], env).status).toBe(65);
    expect(JSON.parse(f.run(["agent", ...f.args()], env).stdout.trim()).outcome).toBe("error");
    expect(existsSync(join(f.root, "etc"))).toBe(false);
  });
});

describe("temp files never collide with desired files", () => {
  it("a desired file named like a temp file is written once and then left alone", () => {
    const f = fixture();
    f.commit(tree2(), "v1");
    const args = [
      "apply",
      "--json",
      "--source-repo",
      f.repo,
      "--root",
      f.root,
      "--host",
      "h1",
      "--lock-path",
      f.lockPath,
    ];
    const first = f.run(args);
    expect(first.status, first.stderr).toBe(0);
    const second = JSON.parse(f.run(args).stdout) as ResultView;
    expect(second.summary.writes).toBe(0);
    expect(second.events.filter((e) => e.operation === "remove")).toEqual([]);
    expect(readFileSync(join(f.root, "etc/web/.app.env.core-ops-tmp-1-1"), "utf8")).toBe(
      "LOOKS=like-debris\n",
    );
  });
});

function tree2(): Tree {
  return { ...demoTree("1"), "services/web/config/etc/web/.app.env.core-ops-tmp-1-1": "LOOKS=like-debris\n" };
}
