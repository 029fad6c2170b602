/**
 * The example repository (repos/layered-demo) through the BUILT CLI: the README quickstart, and a real
 * git history v1 → v2 planned three-way from the tracked ref after v1 was (file-level) applied.
 */

import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDesiredState } from "../desired/load.js";
import { git } from "../desired/test-support/git.js";
import { createHostObserver } from "../effects/fs-host-observer.js";
import { planHost } from "../plan/plan-host.js";
import { applyFiles } from "../plan/test-support/offline.js";
import { desiredObjects } from "../resources/from-desired.js";
import { inventoryFromObjects } from "../resources/inventory.js";
import { DIRS } from "../resources/test-support/desired.js";
import { readStatus, writeStatusAtomic } from "../state/status.js";
import { PlanViewSchema } from "../views/plan-view.js";
import { runBuiltCli } from "./test-support/run-built-cli.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");
const DEMO = join(REPO_ROOT, "repos", "layered-demo");

let work: string;
let gitRepo: string;
const commits: Record<string, string> = {};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "core-ops-demo-"));
  gitRepo = join(work, "repo");
  cpSync(join(DEMO, "v1"), gitRepo, { recursive: true });
  git(gitRepo, "init", "-q", "-b", "main");
  git(gitRepo, "add", "-A");
  git(gitRepo, "commit", "-q", "-m", "fixture v1");
  git(gitRepo, "tag", "demo-uat-v1");
  commits.v1 = git(gitRepo, "rev-parse", "HEAD");
  rmSync(join(gitRepo, "services"), { recursive: true });
  rmSync(join(gitRepo, "hosts"), { recursive: true });
  cpSync(join(DEMO, "v2"), gitRepo, { recursive: true });
  git(gitRepo, "add", "-A");
  git(gitRepo, "commit", "-q", "-m", "fixture v2");
  git(gitRepo, "tag", "demo-uat-v2");
  commits.v2 = git(gitRepo, "rev-parse", "HEAD");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("repos/layered-demo", () => {
  it("quickstart: plans v1 for demo-uat (stateless) with the host's layers", async () => {
    const root = mkdtempSync(join(work, "root-"));
    const r = await runBuiltCli([
      "plan",
      "--source-repo",
      join(DEMO, "v1"),
      "--host",
      "demo-uat",
      "--root",
      root,
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const view = PlanViewSchema.parse(JSON.parse(r.stdout));
    expect(view.entries.map((e) => `${e.action} ${e.object.display_id}`)).toEqual([
      "create file//etc/containers/systemd/whoami.env",
      "create container/whoami.container",
      "create file//etc/frontend/Caddyfile",
      "create volume/frontend-data.volume",
      "create container/frontend.container",
    ]);
    const human = await runBuiltCli([
      "plan",
      "--source-repo",
      join(DEMO, "v1"),
      "--host",
      "demo-uat",
      "--root",
      root,
    ]);
    expect(human.stdout).toContain("Plan for host demo-uat @ (unversioned directory) (first run)");
    expect(human.stdout).toContain("Summary: 5 creates, 0 unchanged");
    // The README's sample output is this output (entries and summary; the header names the observed host).
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const sample = /```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const body = (text: string) => text.slice(text.indexOf("\n\n"));
    expect(sample).toContain("Plan for host demo-uat @ (unversioned directory) (first run)");
    expect(body(sample)).toBe(body(human.stdout));
  });

  it("shows the NFS mount, its automount and dependents for demo-prod", async () => {
    const root = mkdtempSync(join(work, "root-"));
    const r = await runBuiltCli([
      "plan",
      "--source-repo",
      join(DEMO, "v1"),
      "--host",
      "demo-prod",
      "--root",
      root,
      "--json",
    ]);
    const view = PlanViewSchema.parse(JSON.parse(r.stdout));
    const mount = view.entries.find((e) => e.object.display_id === "mount/var-lib-immich-media.mount");
    expect(mount?.mount).toMatchObject({
      where: "/var/lib/immich/media",
      what: "nas-prod.lan:/volume1/media",
      type: "nfs",
      automount: "automount/var-lib-immich-media.automount",
      create_mountpoint: true,
      network_backed: true,
    });
    const ids = view.entries.map((e) => e.object.display_id);
    expect(ids.indexOf("mount/var-lib-immich-media.mount")).toBeLessThan(
      ids.indexOf("container/immich.container"),
    );
    expect(ids.indexOf("automount/var-lib-immich-media.automount")).toBeLessThan(
      ids.indexOf("container/immich.container"),
    );
  });

  it("plans v1 → v2 three-way from the tracked ref after v1 was applied", async () => {
    const root = mkdtempSync(join(work, "root-"));
    const stateFile = join(work, "state", "status.json");
    expect(
      (
        await runBuiltCli([
          "init",
          gitRepo,
          "demo-uat-v1",
          "--state-file",
          stateFile,
          "--lock-path",
          `${stateFile}.lock`,
        ])
      ).code,
    ).toBe(0);

    // File-level apply of v1 and the state apply records on convergence (what `apply` will do).
    const v1 = await loadDesiredState(join(DEMO, "v1"), "demo-uat", {
      kind: "git",
      revision: commits.v1 ?? null,
    });
    applyFiles(
      await planHost({
        desired: v1,
        dirs: DIRS,
        observer: createHostObserver({ root }),
        stateMode: "stateless",
        status: null,
      }),
      root,
    );
    const read = await readStatus(stateFile);
    if (read.kind !== "ok") throw new Error(`state not ok: ${read.kind}`);
    await writeStatusAtomic(stateFile, {
      ...read.status,
      reconciliation: {
        generation: 1,
        status: "success",
        running: false,
        last_attempted_revision: commits.v1 ?? null,
        last_applied_revision: commits.v1 ?? null,
        last_started_at: "2026-11-29T09:00:00Z",
        last_finished_at: "2026-11-29T09:00:02Z",
      },
      inventory: inventoryFromObjects(desiredObjects(v1, DIRS)),
    });

    const same = await runBuiltCli([
      "plan",
      "--host",
      "demo-uat",
      "--root",
      root,
      "--state-file",
      stateFile,
      "--detailed-exitcode",
    ]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain(`Plan for host demo-uat @ ${commits.v1?.slice(0, 8)} (demo-uat-v1)\n`);
    expect(same.stdout).toContain("No managed changes.");
    expect(same.stdout).toContain("… 5 unchanged objects collapsed");

    expect(
      (
        await runBuiltCli([
          "init",
          gitRepo,
          "demo-uat-v2",
          "--force",
          "--state-file",
          stateFile,
          "--lock-path",
          `${stateFile}.lock`,
        ])
      ).code,
    ).toBe(0);
    const r = await runBuiltCli([
      "plan",
      "--host",
      "demo-uat",
      "--root",
      root,
      "--state-file",
      stateFile,
      "--json",
    ]);
    const view = PlanViewSchema.parse(JSON.parse(r.stdout));
    expect(view.revision_context).toMatchObject({
      target_revision: commits.v2,
      requested_ref: "demo-uat-v2",
      last_applied_revision: commits.v1,
    });
    const actions = Object.fromEntries(view.entries.map((e) => [e.object.display_id, e.action]));
    expect(actions).toEqual({
      "file//etc/containers/systemd/whoami.env": "no_op",
      "container/whoami.container": "no_op",
      "file//etc/frontend/Caddyfile": "update",
      "volume/frontend-data.volume": "no_op",
      "container/frontend.container": "update",
    });
    const caddy = view.entries.find((e) => e.object.display_id === "file//etc/frontend/Caddyfile");
    expect(caddy?.drift[0]).toMatchObject({ category: "expected_change", comparison_basis: "three_way" });
    expect(caddy?.diff?.unified_diff).toContain("+\thandle /healthz {");
    const human = await runBuiltCli([
      "plan",
      "--host",
      "demo-uat",
      "--root",
      root,
      "--state-file",
      stateFile,
    ]);
    expect(human.stdout).toContain(
      `Plan for host demo-uat @ ${commits.v1?.slice(0, 8)} → ${commits.v2?.slice(0, 8)} (demo-uat-v2)`,
    );
    expect(human.stdout).toContain("Summary: 2 updates, 3 unchanged");

    // explain without a source explains the deployed (last applied) revision, fetched by commit id.
    const explain = await runBuiltCli([
      "explain",
      "Caddyfile",
      "--host",
      "demo-uat",
      "--root",
      root,
      "--state-file",
      stateFile,
      "--json",
    ]);
    expect(explain.stderr).toBe("");
    const ev = JSON.parse(explain.stdout) as {
      revision_context: { target_revision: string; source_kind: string };
      effective_content: string;
    };
    expect(ev.revision_context).toMatchObject({ target_revision: commits.v1, source_kind: "state" });
    expect(ev.effective_content).toBe(
      readFileSync(join(DEMO, "v1/hosts/demo-uat/overrides/config/etc/frontend/Caddyfile"), "utf8"),
    );
    const explainText = await runBuiltCli([
      "explain",
      "Caddyfile",
      "--host",
      "demo-uat",
      "--root",
      root,
      "--state-file",
      stateFile,
    ]);
    expect(explainText.stdout).toContain(
      `Host demo-uat @ ${commits.v1?.slice(0, 8)} (deployed target from state; tracking demo-uat-v2)`,
    );
    expect(explainText.stdout).toContain(
      "host  hosts/demo-uat/overrides/config/etc/frontend/Caddyfile → /etc/frontend/Caddyfile (replaces services/frontend/config/etc/frontend/Caddyfile)",
    );
  });
});
