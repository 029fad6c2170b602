/**
 * Git hardening with real git: a hostile environment (GIT_* variables, a HOME whose git config allows
 * `ext::`) neither runs an `ext::` command nor redirects the checkout, and a local repository that hangs
 * is given up on in seconds with everything git started ended.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { GIT_HARDENING_ARGS, gitEnvironment } from "./git-command.js";
import { fetchRef, fetchTimeoutMs, LOCAL_FETCH_TIMEOUT_MS, NETWORK_FETCH_TIMEOUT_MS } from "./git-source.js";
import { git } from "./test-support/git.js";

let work: string;
let upstream: string;
let head: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "core-ops-git-hardening-"));
  upstream = path.join(work, "upstream");
  mkdirSync(upstream);
  git(upstream, "init", "-q", "-b", "main");
  writeFileSync(path.join(upstream, "README"), "x\n");
  git(upstream, "add", "-A");
  git(upstream, "commit", "-q", "-m", "one");
  head = git(upstream, "rev-parse", "HEAD");
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function failure(
  repository: string,
  env: NodeJS.ProcessEnv,
  timeoutMs?: number,
): Promise<CoreOpsError> {
  try {
    const c = await fetchRef(repository, "main", { env, ...(timeoutMs ? { timeoutMs } : {}) });
    await c.cleanup();
  } catch (err) {
    if (err instanceof CoreOpsError) return err;
    throw err;
  }
  throw new Error(`fetchRef accepted ${repository}`);
}

/** An `ext::` URL whose command, if git ever ran it, would create `marker`. */
function extUrl(marker: string): string {
  return `ext::sh -c touch% ${marker}`;
}

describe("ext:: stays impossible", () => {
  it("with GIT_ALLOW_PROTOCOL and GIT_CONFIG_* in the environment allowing it", async () => {
    const marker = path.join(work, "ext-env-ran");
    const err = await failure(extUrl(marker), {
      PATH: process.env.PATH,
      HOME: work,
      GIT_ALLOW_PROTOCOL: "ext:file",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "protocol.ext.allow",
      GIT_CONFIG_VALUE_0: "always",
    });
    expect(existsSync(marker)).toBe(false);
    expect(err.code).toBe("git_fetch_failed");
    expect(err.hint).toMatch(/transport 'ext' not allowed/);
  });

  it("with a HOME whose .gitconfig allows it", async () => {
    const home = path.join(work, "hostile-home");
    mkdirSync(home, { recursive: true });
    writeFileSync(
      path.join(home, ".gitconfig"),
      '[protocol "ext"]\n\tallow = always\n[protocol]\n\tallow = always\n',
    );
    const marker = path.join(work, "ext-home-ran");
    const err = await failure(extUrl(marker), { PATH: process.env.PATH, HOME: home });
    expect(existsSync(marker)).toBe(false);
    expect(err.hint).toMatch(/transport 'ext' not allowed/);
  });

  it("every git command of a fetch carries the pins (seen by a git shim on PATH)", async () => {
    const shimDir = path.join(work, "shim");
    const log = path.join(work, "git-argv.log");
    const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    mkdirSync(shimDir, { recursive: true });
    writeFileSync(
      path.join(shimDir, "git"),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`,
      { mode: 0o755 },
    );
    const c = await fetchRef(upstream, "main", {
      env: { PATH: `${shimDir}:${process.env.PATH}`, HOME: work },
    });
    await c.cleanup();
    const pins = `${GIT_HARDENING_ARGS.join(" ")} `;
    const lines = readFileSync(log, "utf8").trim().split("\n");
    for (const line of lines) expect(line.startsWith(pins), line).toBe(true);
    const subcommands = lines.map(
      (l) =>
        l
          .slice(pins.length)
          .replace(/^(-c \S+ )*/, "")
          .split(" ")[0],
    );
    expect(subcommands).toEqual(["fetch", "checkout"]);
    expect(pins).toContain(
      "-c protocol.allow=never -c protocol.file.allow=always -c protocol.https.allow=always -c protocol.ssh.allow=always",
    );
  });
});

describe("no inherited GIT_* variable steers git", () => {
  it("GIT_DIR, GIT_WORK_TREE and GIT_CONFIG_* of the caller change nothing", async () => {
    const decoy = path.join(work, "decoy");
    const c = await fetchRef(upstream, "main", {
      env: {
        PATH: process.env.PATH,
        HOME: work,
        GIT_DIR: path.join(decoy, ".git"),
        GIT_WORK_TREE: decoy,
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "protocol.file.allow",
        GIT_CONFIG_VALUE_0: "never",
      },
    });
    try {
      expect(c.revision).toBe(head);
      expect(existsSync(path.join(c.dir, "README"))).toBe(true);
    } finally {
      await c.cleanup();
    }
    expect(existsSync(decoy)).toBe(false);
  });

  it("gitEnvironment keeps PATH and HOME, sets its own, and drops everything else", () => {
    const env = gitEnvironment({
      PATH: "/usr/bin",
      HOME: "/root",
      GIT_DIR: "/x",
      GIT_SSH_COMMAND: "evil",
      GIT_CONFIG_PARAMETERS: "'protocol.ext.allow'='always'",
      LD_PRELOAD: "/evil.so",
      CORE_OPS_GIT_SSH_KEY: "/etc/core-ops/key",
      CORE_OPS_GIT_KNOWN_HOSTS: "/etc/core-ops/known_hosts",
    });
    expect(Object.keys(env).sort()).toEqual([
      "GIT_SSH_COMMAND",
      "GIT_TERMINAL_PROMPT",
      "HOME",
      "LC_ALL",
      "PATH",
    ]);
    expect(env.GIT_SSH_COMMAND).toMatch(/^ssh -i \/etc\/core-ops\/key .*StrictHostKeyChecking=yes/);
    expect(gitEnvironment({ GIT_SSH_COMMAND: "evil" }).GIT_SSH_COMMAND).toBeUndefined();
  });
});

describe("a local repository that hangs", () => {
  /** A repository whose alternates file is a FIFO: upload-pack blocks opening it, for ever. */
  function hangingRepository(): string {
    const repo = path.join(work, "hangs");
    mkdirSync(repo);
    git(repo, "init", "-q", "-b", "main");
    writeFileSync(path.join(repo, "a"), "a\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "a");
    execFileSync("mkfifo", [path.join(repo, ".git", "objects", "info", "alternates")]);
    return repo;
  }

  function processesReading(repo: string): string[] {
    return execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes(repo) && l.includes("upload-pack"));
  }

  it("times out in seconds by default (local transports), ending git and upload-pack", async () => {
    expect(fetchTimeoutMs("/srv/repo")).toBe(LOCAL_FETCH_TIMEOUT_MS);
    expect(fetchTimeoutMs("file:///srv/repo")).toBe(LOCAL_FETCH_TIMEOUT_MS);
    expect(fetchTimeoutMs("https://example.invalid/r.git")).toBe(NETWORK_FETCH_TIMEOUT_MS);
    expect(fetchTimeoutMs("git@example.invalid:r.git")).toBe(NETWORK_FETCH_TIMEOUT_MS);
    expect(LOCAL_FETCH_TIMEOUT_MS).toBeLessThanOrEqual(10_000);

    const repo = hangingRepository();
    const started = Date.now();
    const err = await failure(repo, process.env);
    const took = Date.now() - started;
    expect(err.code).toBe("git_fetch_timeout");
    expect(err.message).toBe(`fetching 'main' from repository ${repo} did not finish in 10 s`);
    expect(took).toBeGreaterThanOrEqual(LOCAL_FETCH_TIMEOUT_MS - 100);
    expect(took).toBeLessThan(LOCAL_FETCH_TIMEOUT_MS + 15_000);
    expect(processesReading(repo)).toEqual([]);
  }, 60_000);
});
