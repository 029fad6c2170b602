/**
 * Integration tests of the BUILT CLI (`npm test` builds first): plan, explain, init and status against
 * real directories, real git repositories made in temp dirs, and offline roots.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git } from "../desired/test-support/git.js";
import { makeTree } from "../desired/test-support/tree.js";
import { StatusSchema } from "../state/status.js";
import { ExplainViewSchema } from "../views/explain-view.js";
import { PlanViewSchema } from "../views/plan-view.js";
import { StatusViewSchema } from "../views/status-view.js";
import { runBuiltCli } from "./test-support/run-built-cli.js";

const TREE = {
  "hosts/h1/host.yaml": "host: h1\nservices:\n  - web\n",
  "hosts/h2/host.yaml": "host: h2\nservices: []\n",
  "services/web/web.container":
    "[Unit]\nDescription=web\n\n[Container]\nImage=docker.io/library/caddy:2\nVolume=/etc/web:/etc/caddy:ro\nVolume=web-data.volume:/data\n",
  "services/web/web-data.volume": "[Volume]\n",
  "services/web/config/etc/web/Caddyfile": ":80 { respond hi }\n",
  "hosts/h1/overrides/web.container.d/50-h1.conf": "[Container]\nEnvironment=SITE=h1\n",
};

let work: string;
let repo: string;
let gitRepo: string;
let commit1: string;
let commit2: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "core-ops-cli-"));
  repo = makeTree(TREE, "core-ops-cli-repo-");
  gitRepo = makeTree(TREE, "core-ops-cli-git-");
  git(gitRepo, "init", "-q", "-b", "main");
  git(gitRepo, "add", "-A");
  git(gitRepo, "commit", "-q", "-m", "v1");
  git(gitRepo, "tag", "v1");
  commit1 = git(gitRepo, "rev-parse", "HEAD");
  writeFileSync(join(gitRepo, "services/web/config/etc/web/Caddyfile"), ":80 { respond v2 }\n");
  git(gitRepo, "commit", "-q", "-am", "v2");
  git(gitRepo, "tag", "v2");
  commit2 = git(gitRepo, "rev-parse", "HEAD");
});

afterAll(() => {
  for (const d of [work, repo, gitRepo]) rmSync(d, { recursive: true, force: true });
});

function freshDir(name: string): string {
  return mkdtempSync(join(work, `${name}-`));
}

describe("core-ops plan (stateless)", () => {
  it("prints exactly one JSON document, writes no state, and exits 2 with --detailed-exitcode", async () => {
    const root = freshDir("root");
    const stateFile = join(work, "never-written.json");
    const r = await runBuiltCli(
      ["plan", "--source-repo", repo, "--host", "h1", "--root", root, "--json", "--detailed-exitcode"],
      { CORE_OPS_STATE_FILE: stateFile },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    const view = PlanViewSchema.parse(JSON.parse(r.stdout));
    expect(r.stdout.trimEnd().endsWith("}")).toBe(true);
    // The binary's own revision, as `core-ops --version` names it (a checkout: git's HEAD).
    expect(view.revision_context.controller_revision).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(view.entries.map((e) => `${e.action} ${e.object.display_id}`)).toEqual([
      "create file//etc/web/Caddyfile",
      "create volume/web-data.volume",
      "create container/web.container",
    ]);
    expect(view.revision_context).toMatchObject({
      host: "h1",
      source_kind: "directory",
      target_revision: null,
    });
    expect(view.observation.state).toBe("stateless");
    expect(existsSync(stateFile)).toBe(false);
  });

  it("exits 0 with --detailed-exitcode when nothing changes, and says so", async () => {
    const root = freshDir("root");
    const r = await runBuiltCli([
      "plan",
      "--source-repo",
      repo,
      "--host",
      "h2",
      "--root",
      root,
      "--detailed-exitcode",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No managed changes.");
    expect(r.stdout).toContain("Plan for host h2 @ (unversioned directory)");
  });

  it("renders a human plan: changes listed, dependencies named, summary counted", async () => {
    const root = freshDir("root");
    const r = await runBuiltCli(["plan", "--source-repo", repo, "--host", "h1", "--root", root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("+ create    container/web.container");
    expect(r.stdout).toContain("needs: file//etc/web/Caddyfile, volume/web-data.volume");
    expect(r.stdout).toContain(`Runtime: offline root ${root}: files only`);
    expect(r.stdout).toMatch(/Summary: 3 creates, 0 unchanged\n$/);
  });

  it("-v shows the semantic diff of each change; --json with -v is a usage error", async () => {
    const root = freshDir("root");
    const r = await runBuiltCli(["plan", "--source-repo", repo, "--host", "h1", "--root", root, "-v"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("      --- previous\n      +++ desired\n      @@ -0,0 +1,");
    expect(r.stdout).toContain("      +Image=docker.io/library/caddy:2");
    const both = await runBuiltCli([
      "plan",
      "--source-repo",
      repo,
      "--host",
      "h1",
      "--root",
      root,
      "-v",
      "--json",
    ]);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe("");
  });

  it("refuses --source-repo with --state-file (usage, exit 2)", async () => {
    const r = await runBuiltCli([
      "plan",
      "--source-repo",
      repo,
      "--host",
      "h1",
      "--state-file",
      join(work, "s.json"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--source-repo and --state-file cannot be combined");
    expect(r.stdout).toBe("");
  });

  it("keeps exit 64 for a missing source and 65 for an invalid layout, also with --detailed-exitcode", async () => {
    const missing = await runBuiltCli([
      "plan",
      "--source-repo",
      join(work, "nope"),
      "--host",
      "h1",
      "--detailed-exitcode",
    ]);
    expect(missing.code).toBe(64);
    const bad = makeTree({ ...TREE, "hosts/h1/host.yaml": "host: other\nservices: [web]\n" });
    try {
      const r = await runBuiltCli([
        "plan",
        "--source-repo",
        bad,
        "--host",
        "h1",
        "--json",
        "--detailed-exitcode",
      ]);
      expect(r.code).toBe(65);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("hosts/h1/host.yaml");
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe("core-ops explain", () => {
  it("explains an object by bare name: layers, effective content, dependencies, intent", async () => {
    const root = freshDir("root");
    const r = await runBuiltCli([
      "explain",
      "web.container",
      "--source-repo",
      repo,
      "--host",
      "h1",
      "--root",
      root,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const view = ExplainViewSchema.parse(JSON.parse(r.stdout));
    expect(view.object.display_id).toBe("container/web.container");
    expect(view.sources.map((s) => `${s.layer} ${s.path} → ${s.target}`)).toEqual([
      "base services/web/web.container → /etc/containers/systemd/web.container",
      "host hosts/h1/overrides/web.container.d/50-h1.conf → /etc/containers/systemd/web.container.d/50-h1.conf",
    ]);
    expect(view.effective_content).toContain("Environment=SITE=h1");
    expect(view.dependency_context.map((d) => d.object)).toEqual([
      "file//etc/web/Caddyfile",
      "volume/web-data.volume",
    ]);
    expect(view.apply_intent).toMatch(/^apply writes/);
    const human = await runBuiltCli([
      "explain",
      "Caddyfile",
      "--source-repo",
      repo,
      "--host",
      "h1",
      "--root",
      root,
    ]);
    expect(human.stdout).toContain("Explain: file//etc/web/Caddyfile");
    expect(human.stdout).toContain("base  services/web/config/etc/web/Caddyfile → /etc/web/Caddyfile");
  });

  it("fails clearly for an unknown object", async () => {
    const r = await runBuiltCli([
      "explain",
      "nothing.container",
      "--source-repo",
      repo,
      "--host",
      "h1",
      "--root",
      freshDir("r"),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no managed object matches 'nothing.container'");
  });
});

describe("core-ops init, status, and plan from the tracked ref", () => {
  it("reports a missing or corrupt state as absent (exit 0)", async () => {
    const missing = await runBuiltCli(["status", "--json", "--state-file", join(work, "missing.json")]);
    expect(missing.code).toBe(0);
    const view = StatusViewSchema.parse(JSON.parse(missing.stdout));
    expect(view).toMatchObject({ status: "absent", absent_reason: "missing", snapshot: null });
    const corrupt = join(work, "corrupt.json");
    writeFileSync(corrupt, '{"schema_version": 1, "controller": ');
    const r = await runBuiltCli(["status", "--state-file", corrupt]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Status: absent \(not valid JSON/);
    writeFileSync(corrupt, '{"schema_version": 7}');
    expect((await runBuiltCli(["status", "--state-file", corrupt])).stdout).toContain(
      "unsupported schema_version 7",
    );
  });

  it("initializes tracking, plans the tracked ref, and refuses to overwrite without --force", async () => {
    const stateFile = join(freshDir("state"), "status.json");
    const init = await runBuiltCli([
      "init",
      gitRepo,
      "v1",
      "--state-file",
      stateFile,
      "--lock-path",
      `${stateFile}.lock`,
    ]);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toBe(`initialized: tracking ${gitRepo} @ ${commit1.slice(0, 8)} (v1)\n`);
    const status = StatusSchema.parse(JSON.parse(readFileSync(stateFile, "utf8")));
    expect(status.desired_state).toMatchObject({
      repository: gitRepo,
      requested_ref: "v1",
      last_observed_revision: commit1,
    });
    expect(status.reconciliation.status).toBe("never_run");

    const st = await runBuiltCli(["status", "--state-file", stateFile, "--json"]);
    expect(StatusViewSchema.parse(JSON.parse(st.stdout)).status).toBe("present");
    const human = await runBuiltCli(["status"], { CORE_OPS_STATE_FILE: stateFile });
    expect(human.stdout).toContain(`tracking: ${commit1.slice(0, 8)} (v1)`);

    const root = freshDir("root");
    const plan = await runBuiltCli(["plan", "--host", "h1", "--root", root, "--json"], {
      CORE_OPS_STATE_FILE: stateFile,
    });
    expect(plan.stderr).toBe("");
    const view = PlanViewSchema.parse(JSON.parse(plan.stdout));
    expect(view.revision_context).toMatchObject({
      source_kind: "git",
      target_revision: commit1,
      requested_ref: "v1",
      requested_repository: gitRepo,
      last_applied_revision: null,
    });
    expect(view.observation.state).toBe("no_state");
    const text = await runBuiltCli(["plan", "--host", "h1", "--root", root, "--state-file", stateFile]);
    expect(text.stdout).toContain(`Plan for host h1 @ ${commit1.slice(0, 8)} (v1) (first run)`);

    const again = await runBuiltCli([
      "init",
      gitRepo,
      "v2",
      "--state-file",
      stateFile,
      "--lock-path",
      `${stateFile}.lock`,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already tracking");
    expect(again.stderr).toContain("--force");
    const forced = await runBuiltCli([
      "init",
      gitRepo,
      "v2",
      "--force",
      "--state-file",
      stateFile,
      "--lock-path",
      `${stateFile}.lock`,
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`${commit2.slice(0, 8)} (v2)`);

    // explain without a source: nothing applied yet → the tip of the tracked ref, said so.
    const explain = await runBuiltCli([
      "explain",
      "Caddyfile",
      "--host",
      "h1",
      "--root",
      root,
      "--state-file",
      stateFile,
      "--json",
    ]);
    const ev = ExplainViewSchema.parse(JSON.parse(explain.stdout));
    expect(ev.revision_context.source_kind).toBe("state");
    expect(ev.effective_content).toBe(":80 { respond v2 }\n");
    expect(ev.notes.join("\n")).toMatch(/nothing applied yet/);
  });

  it("gives the recovery command for a corrupt state, and --force recovers", async () => {
    const stateFile = join(freshDir("state"), "status.json");
    writeFileSync(stateFile, "{ not json");
    const r = await runBuiltCli([
      "init",
      gitRepo,
      "v1",
      "--state-file",
      stateFile,
      "--lock-path",
      `${stateFile}.lock`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`core-ops init ${gitRepo} v1 --force`);
    const plan = await runBuiltCli(["plan", "--host", "h1", "--state-file", stateFile]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain("--force");
    expect(
      (
        await runBuiltCli([
          "init",
          gitRepo,
          "v1",
          "--state-file",
          stateFile,
          "--lock-path",
          `${stateFile}.lock`,
          "--force",
        ])
      ).code,
    ).toBe(0);
  });

  it("tells how to start when nothing is tracked", async () => {
    const r = await runBuiltCli(["plan", "--host", "h1", "--state-file", join(work, "none.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("core-ops init <repo-or-path> <ref>");
  });

  it("names repository and ref when the ref does not resolve", async () => {
    const r = await runBuiltCli([
      "init",
      gitRepo,
      "no-such-tag",
      "--state-file",
      join(freshDir("s"), "status.json"),
      "--lock-path",
      join(freshDir("l"), "agent.lock"),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("no-such-tag");
    expect(r.stderr).toContain(gitRepo);
  });
});
