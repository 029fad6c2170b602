import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadDesiredStateFromGit } from "./from-git.js";
import { git } from "./test-support/git.js";
import { makeTree, removeTree } from "./test-support/tree.js";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) removeTree(r);
});

function commitAll(dir: string, message: string): string {
  if (!existsSync(path.join(dir, ".git"))) git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", message);
  return git(dir, "rev-parse", "HEAD");
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
    git(upstream, "tag", "demo-v1");
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
