/**
 * The git effects `core-ops-release validate` needs, through the system `git` CLI (execa). Created at the CLI
 * edge and passed to `collectValidationInput`.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { ReleaseError, ReleaseExitCode, usageError } from "./errors.js";
import type { PathChange } from "./path-rules.js";

export interface ReleaseGit {
  /** The repository's top-level directory (absolute). */
  readonly root: string;
  /** Full commit id of `ref`; a usage error naming the ref when it does not resolve. */
  resolveCommit(ref: string): Promise<string>;
  /** Whether `ref` resolves to a commit. */
  hasCommit(ref: string): Promise<boolean>;
  mergeBase(a: string, b: string): Promise<string>;
  /** Changes from commit `base` to commit `head`, or to the working tree plus untracked files when null. */
  changes(base: string, head: string | null): Promise<PathChange[]>;
  /** A file's text at commit `at`, or in the working tree when null; undefined when it does not exist. */
  readFile(at: string | null, file: string): Promise<string | undefined>;
  /** Names of the files directly in `dir` at commit `at`, or in the working tree when null. */
  listDirectory(at: string | null, dir: string): Promise<string[]>;
}

const GIT_ENV = { LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" };

/** Runs git in the repository; never rejects on a non-zero exit (callers read `exitCode`). */
type GitRun = (
  args: string[],
  strip?: boolean,
) => Promise<{ exitCode?: number | undefined; stdout: unknown; stderr: unknown }>;

export async function openReleaseGit(repoRoot: string): Promise<ReleaseGit> {
  const root = await topLevel(repoRoot);
  const git: GitRun = (args, strip = true) =>
    execa("git", args, { cwd: root, reject: false, env: GIT_ENV, stripFinalNewline: strip });
  return {
    root,
    hasCommit: (ref) => hasCommit(git, ref),
    resolveCommit: (ref) => resolveCommit(git, root, ref),
    mergeBase: (a, b) => mergeBase(git, a, b),
    changes: (base, head) => changes(git, base, head),
    listDirectory: (at, dir) => listDirectory(git, root, at, dir),
    readFile: (at, file) => readFileAt(git, root, at, file),
  };
}

/** The repository's top-level directory; a usage error when `repoRoot` is not inside a git repository. */
async function topLevel(repoRoot: string): Promise<string> {
  const top = await execa("git", ["rev-parse", "--show-toplevel"], {
    cwd: path.resolve(repoRoot),
    reject: false,
    env: GIT_ENV,
  }).catch((e: unknown) => ({ exitCode: 1, stdout: "", stderr: String(e) }));
  if (top.exitCode !== 0) {
    throw usageError(
      `${path.resolve(repoRoot)} is not inside a git repository`,
      "not_a_git_repository",
      "run core-ops-release in the project's checkout or pass --repo-root",
    );
  }
  return String(top.stdout).trim();
}

/** Stdout of a git command that must succeed; a `git_failed` error with git's stderr otherwise. */
async function must(git: GitRun, args: string[]): Promise<string> {
  const r = await git(args);
  if (r.exitCode !== 0)
    throw new ReleaseError(`git ${args.join(" ")} failed: ${String(r.stderr).trim()}`, {
      code: "git_failed",
    });
  return String(r.stdout);
}

const verifyCommit = (git: GitRun, ref: string) =>
  git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);

async function hasCommit(git: GitRun, ref: string): Promise<boolean> {
  const r = await verifyCommit(git, ref);
  return r.exitCode === 0;
}

async function resolveCommit(git: GitRun, root: string, ref: string): Promise<string> {
  const r = await verifyCommit(git, ref);
  if (r.exitCode !== 0) {
    throw new ReleaseError(`ref '${ref}' does not name a commit in ${root}`, {
      code: "ref_unknown",
      exitCode: ReleaseExitCode.usage,
      hint: "fetch it first (e.g. git fetch origin main) or name a branch, tag or commit that exists",
    });
  }
  return String(r.stdout).trim();
}

async function mergeBase(git: GitRun, a: string, b: string): Promise<string> {
  const r = await git(["merge-base", a, b]);
  if (r.exitCode !== 0) {
    throw new ReleaseError(`commits ${a.slice(0, 12)} and ${b.slice(0, 12)} have no common ancestor`, {
      code: "no_merge_base",
      exitCode: ReleaseExitCode.usage,
      hint: "fetch the full history (actions/checkout with fetch-depth: 0) or pick a base on this branch's history",
    });
  }
  return String(r.stdout).trim();
}

async function changes(git: GitRun, base: string, head: string | null): Promise<PathChange[]> {
  const args = ["diff", "--name-status", "-z", "--find-renames", "--no-color", "--no-ext-diff", base];
  if (head !== null) args.push(head);
  const out = parseNameStatus(await must(git, args));
  if (head === null) {
    const untracked = (await must(git, ["ls-files", "--others", "--exclude-standard", "-z"]))
      .split("\0")
      .filter((p) => p !== "");
    for (const p of untracked) out.push({ kind: "added", path: p });
  }
  return out;
}

async function listDirectory(git: GitRun, root: string, at: string | null, dir: string): Promise<string[]> {
  if (at === null) {
    const entries = await readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  }
  const r = await git(["ls-tree", "-z", "--name-only", `${at}:${dir}`]);
  return r.exitCode === 0
    ? String(r.stdout)
        .split("\0")
        .filter((n) => n !== "")
    : [];
}

async function readFileAt(
  git: GitRun,
  root: string,
  at: string | null,
  file: string,
): Promise<string | undefined> {
  if (at === null) {
    try {
      return await readFile(path.join(root, file), "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return undefined;
      throw e;
    }
  }
  const r = await git(["cat-file", "blob", `${at}:${file}`], false);
  return r.exitCode === 0 ? String(r.stdout) : undefined;
}

/** Parses `git diff --name-status -z` output: `M\0path\0`, `R087\0from\0to\0`, `C100\0from\0to\0`. */
export function parseNameStatus(out: string): PathChange[] {
  const tokens = out.split("\0");
  const changes: PathChange[] = [];
  let i = 0;
  while (i < tokens.length) {
    const status = tokens[i] ?? "";
    if (status === "") {
      i++;
      continue;
    }
    const letter = status[0];
    if (letter === "R" || letter === "C") {
      const from = tokens[i + 1] ?? "";
      const to = tokens[i + 2] ?? "";
      const similarity = Number.parseInt(status.slice(1), 10);
      changes.push({
        kind: letter === "R" ? "renamed" : "copied",
        path: to,
        from,
        ...(Number.isNaN(similarity) ? {} : { similarity }),
      });
      i += 3;
      continue;
    }
    const p = tokens[i + 1] ?? "";
    changes.push({ kind: letter === "A" ? "added" : letter === "D" ? "deleted" : "modified", path: p });
    i += 2;
  }
  return changes;
}
