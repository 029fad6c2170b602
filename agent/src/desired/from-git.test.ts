import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadDesiredStateFromGit } from "./from-git.js";
import { makeTree, removeTree } from "./test-support/tree.js";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) removeTree(r);
});

function commitAll(dir: string, message: string): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.invalid",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.invalid",
  };
  if (!existsSync(path.join(dir, ".git"))) execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  execFileSync("git", ["add", "-A"], { cwd: dir });
  execFileSync("git", ["commit", "-q", "-m", message], { cwd: dir, env });
  return execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
}

describe("loadDesiredStateFromGit (real git)", () => {
  it("loads a tag's tree with provenance, takes the executable bit from git, and removes the checkout", async () => {
    const upstream = makeTree({
      "services/web/web.container": "[Container]\nImage=docker.io/library/caddy:2.8.4-alpine\n",
      "services/web/config/etc/web/hook.sh": { content: "#!/bin/sh\n", mode: 0o755 },
      "services/web/config/etc/web/site.conf": "site\n",
      "hosts/h1/host.yaml": "host: h1\nservices: [web]\n",
    });
    roots.push(upstream);
    const revision = commitAll(upstream, "v1");
    execFileSync("git", ["tag", "demo-v1"], { cwd: upstream });
    const tmpRoot = makeTree({});
    roots.push(tmpRoot);

    const state = await loadDesiredStateFromGit(`file://${upstream}`, "demo-v1", "h1", { tmpRoot });
    expect(state.source).toMatchObject({
      kind: "git",
      repository: `file://${upstream}`,
      requestedRef: "demo-v1",
      revision,
    });
    expect(state.units.map((u) => u.fileName)).toEqual(["web.container"]);
    expect(state.configs.map((c) => [c.target, c.mode.toString(8)])).toEqual([
      ["/etc/web/hook.sh", "755"],
      ["/etc/web/site.conf", "644"],
    ]);
    expect(path.dirname(state.source.root)).toBe(tmpRoot);
    expect(existsSync(state.source.root)).toBe(false);
    expect(readdirSync(tmpRoot)).toEqual([]);
  });

  it("reports a layout error from the checked-out tree and still removes the checkout", async () => {
    const upstream = makeTree({
      "services/web/web.container": "[Container]\nImage=a\n",
      "hosts/h1/host.yaml": "host: h2\nservices: [web]\n",
    });
    roots.push(upstream);
    commitAll(upstream, "bad");
    const tmpRoot = makeTree({});
    roots.push(tmpRoot);
    await expect(loadDesiredStateFromGit(upstream, "main", "h1", { tmpRoot })).rejects.toMatchObject({
      code: "host_mismatch",
      exitCode: 65,
      file: "hosts/h1/host.yaml",
    });
    expect(readdirSync(tmpRoot)).toEqual([]);
  });
});
