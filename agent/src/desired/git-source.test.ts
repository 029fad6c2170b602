import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { gitEnvironment } from "./git-command.js";
import { fetchRef, normalizeRepository, type ResolvedCheckout } from "./git-source.js";
import { git } from "./test-support/git.js";
import { makeTree, removeTree, writeTree } from "./test-support/tree.js";

/** A real repository with two commits, a branch, a lightweight and an annotated tag, an executable file. */
let upstream: string;
let first: string;
let second: string;

beforeAll(() => {
  upstream = makeTree(
    {
      "services/web/web.container": "[Container]\nImage=a:1\n",
      "run.sh": { content: "#!/bin/sh\n", mode: 0o755 },
    },
    "core-ops-upstream-",
  );
  git(upstream, "init", "-q", "-b", "main");
  git(upstream, "add", "-A");
  git(upstream, "commit", "-q", "-m", "one");
  first = git(upstream, "rev-parse", "HEAD");
  git(upstream, "tag", "v1");
  git(upstream, "tag", "-a", "v1-annotated", "-m", "annotated");
  writeTree(upstream, { "services/web/web.container": "[Container]\nImage=a:2\n" });
  git(upstream, "commit", "-q", "-am", "two");
  second = git(upstream, "rev-parse", "HEAD");
  git(upstream, "branch", "release");
});

afterAll(() => {
  removeTree(upstream);
});

async function checkout(repository: string, ref: string, fn: (c: ResolvedCheckout) => void): Promise<void> {
  const c = await fetchRef(repository, ref);
  try {
    fn(c);
  } finally {
    await c.cleanup();
  }
  expect(existsSync(c.dir)).toBe(false);
}

async function fetchFailure(repository: string, ref: string): Promise<CoreOpsError> {
  try {
    const c = await fetchRef(repository, ref);
    await c.cleanup();
  } catch (err) {
    if (err instanceof CoreOpsError) return err;
    throw err;
  }
  throw new Error(`fetchRef accepted ${ref}`);
}

const image = (dir: string) => readFileSync(path.join(dir, "services/web/web.container"), "utf8");

describe("fetchRef (real git)", () => {
  it("checks out a branch over file:// in a private temp dir and resolves the full commit id", async () => {
    await checkout(`file://${upstream}`, "main", (c) => {
      expect(c.revision).toBe(second);
      expect(c.requestedRef).toBe("main");
      expect(c.repository).toBe(`file://${upstream}`);
      expect(statSync(c.dir).mode & 0o777).toBe(0o700);
      expect(image(c.dir)).toContain("Image=a:2");
      expect(statSync(path.join(c.dir, "run.sh")).mode & 0o111).not.toBe(0);
      expect(git(c.dir, "rev-parse", "--is-shallow-repository")).toBe("true");
      expect(git(c.dir, "status", "--porcelain")).toBe("");
    });
  });

  it("checks out a lightweight and an annotated tag from a plain path, peeled to the commit", async () => {
    await checkout(upstream, "v1", (c) => {
      expect(c.revision).toBe(first);
      expect(c.repository).toBe(upstream);
      expect(image(c.dir)).toContain("Image=a:1");
    });
    await checkout(upstream, "v1-annotated", (c) => expect(c.revision).toBe(first));
  });

  it("makes a relative local path absolute", async () => {
    const rel = path.relative(process.cwd(), upstream);
    await checkout(rel, "release", (c) => {
      expect(c.repository).toBe(upstream);
      expect(c.revision).toBe(second);
    });
  });

  it("fetches a full commit id where the server allows it", async () => {
    await checkout(`file://${upstream}`, first, (c) => {
      expect(c.revision).toBe(first);
      expect(image(c.dir)).toContain("Image=a:1");
    });
  });

  it("a ref that does not resolve names repository and ref, and leaves no temp dir", async () => {
    const err = await fetchFailure(`file://${upstream}`, "no-such-branch");
    expect(err.code).toBe("git_ref_not_found");
    expect(err.message).toBe(`ref 'no-such-branch' does not resolve in repository file://${upstream}`);
    expect(err.hint).toContain("couldn't find remote ref no-such-branch");
    const sha = await fetchFailure(upstream, "0123456789abcdef0123456789abcdef01234567");
    expect(sha.code).toBe("git_ref_not_found");
    expect(sha.message).toContain(upstream);
  });

  it("a repository that does not exist fails with git's reason", async () => {
    const err = await fetchFailure(path.join(upstream, "nope"), "main");
    expect(err.code).toBe("git_fetch_failed");
    expect(err.message).toContain(`cannot fetch 'main' from repository ${path.join(upstream, "nope")}`);
    expect(err.hint).toContain("does not appear to be a git repository");
  });

  it("rejects refs git would take as options or refspecs", async () => {
    for (const ref of ["--upload-pack=touch /tmp/x", "main:refs/heads/x", "", "+main"]) {
      const err = await fetchFailure(upstream, ref);
      expect(err.code).toBe("git_ref_invalid");
      expect(err.exitCode).toBe(2);
    }
  });
});

describe("normalizeRepository and gitEnvironment", () => {
  it("keeps URLs and scp-like addresses, resolves local paths", () => {
    expect(normalizeRepository("https://example.invalid/r.git")).toBe("https://example.invalid/r.git");
    expect(normalizeRepository("ssh://git@example.invalid/r.git")).toBe("ssh://git@example.invalid/r.git");
    expect(normalizeRepository("git@example.invalid:org/r.git")).toBe("git@example.invalid:org/r.git");
    expect(normalizeRepository("repos/x", "/srv")).toBe("/srv/repos/x");
    expect(normalizeRepository("/abs/x", "/srv")).toBe("/abs/x");
  });

  it("never prompts, and pins a deploy key with strict host-key checking", () => {
    expect(gitEnvironment({}).GIT_TERMINAL_PROMPT).toBe("0");
    expect(gitEnvironment({}).GIT_SSH_COMMAND).toBeUndefined();
    const env = gitEnvironment({
      CORE_OPS_GIT_SSH_KEY: "/etc/core-ops/deploy key",
      CORE_OPS_GIT_KNOWN_HOSTS: "/etc/core-ops/known_hosts",
    });
    expect(env.GIT_SSH_COMMAND).toBe(
      "ssh -i '/etc/core-ops/deploy key' -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/etc/core-ops/known_hosts -o BatchMode=yes",
    );
    expect(() => gitEnvironment({ CORE_OPS_GIT_SSH_KEY: "/k" })).toThrow(/CORE_OPS_GIT_KNOWN_HOSTS is not/);
  });
});
