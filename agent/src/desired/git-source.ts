/**
 * Fetching one ref of a desired-state repository with the system `git` CLI: an empty repository in a private
 * temp directory, shallow fetch of the ref, detached checkout of FETCH_HEAD, resolved full commit id (read
 * from the detached HEAD). Two git commands in all: each git process costs start-up time on a slow host
 * (README "Apply, the timer agent and the single-file binary").
 * Works for any URL or path git accepts (file://, ssh://, https://, scp-like, a local path).
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CoreOpsError, ExitCode } from "../errors.js";
import { gitEnvironment, runGit } from "./git-command.js";
import { hasControlCharacter } from "./names.js";

export interface ResolvedCheckout {
  /** The checkout directory (contains `.git`). */
  dir: string;
  /** The repository as fetched: URLs as given, local paths made absolute. */
  repository: string;
  requestedRef: string;
  /** Full commit id of the checked-out commit. */
  revision: string;
  /** Removes the checkout directory. */
  cleanup(): Promise<void>;
}

export interface FetchOptions {
  /** The environment git's own is made from (defaults to process.env); see `gitEnvironment`. */
  env?: NodeJS.ProcessEnv;
  /** Give up fetching after this many milliseconds (default: `fetchTimeoutMs`). */
  timeoutMs?: number;
  /** Parent of the private checkout directory (default: the OS temp dir). */
  tmpRoot?: string;
}

const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const SCP_LIKE = /^[^/]+:/; // user@host:path or host:path (no slash before the colon)
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** How long a fetch may take: a local repository answers in seconds, a network one may be slow. */
export const LOCAL_FETCH_TIMEOUT_MS = 10_000;
export const NETWORK_FETCH_TIMEOUT_MS = 300_000;
/** checkout in the private checkout (no transport involved). */
const LOCAL_STEP_TIMEOUT_MS = 60_000;

/** The fetch time limit for a (normalized) repository: local paths and file:// URLs are local. */
export function fetchTimeoutMs(repository: string): number {
  const local = repository.startsWith("file://") || !(URL_LIKE.test(repository) || SCP_LIKE.test(repository));
  return local ? LOCAL_FETCH_TIMEOUT_MS : NETWORK_FETCH_TIMEOUT_MS;
}

/** A local path becomes absolute (git runs in another directory); URLs and scp-like addresses stay as given. */
export function normalizeRepository(repository: string, cwd: string = process.cwd()): string {
  if (URL_LIKE.test(repository) || SCP_LIKE.test(repository)) return repository;
  return path.resolve(cwd, repository);
}

/** Rejects refs git would read as options or refspecs; everything else is git's to judge. */
function checkRef(repository: string, ref: string): void {
  if (
    ref === "" ||
    ref.startsWith("-") ||
    ref.startsWith("+") ||
    /[\s:]/.test(ref) ||
    hasControlCharacter(ref)
  ) {
    throw new CoreOpsError(`'${ref}' is not a branch, tag or commit id of ${repository}`, {
      code: "git_ref_invalid",
      field: "ref",
      exitCode: ExitCode.usage,
      hint: "give a branch name, a tag name, or a full commit id",
    });
  }
}

export async function fetchRef(
  repository: string,
  ref: string,
  options: FetchOptions = {},
): Promise<ResolvedCheckout> {
  const repo = normalizeRepository(repository);
  if (repository === "" || repository.startsWith("-")) {
    throw new CoreOpsError(`'${repository}' is not a repository URL or path`, {
      code: "git_repository_invalid",
      field: "repository",
      exitCode: ExitCode.usage,
      hint: "give a URL (file://, ssh://, https://) or a local path",
    });
  }
  checkRef(repo, ref);
  const env = gitEnvironment(options.env ?? process.env);
  const timeout = options.timeoutMs ?? fetchTimeoutMs(repo);
  const dir = await mkdtemp(path.join(options.tmpRoot ?? tmpdir(), "core-ops-checkout-"));
  await chmod(dir, 0o700);
  const cleanup = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
  };
  const git = (args: string[], timeoutMs = LOCAL_STEP_TIMEOUT_MS) =>
    runGit(["-c", "advice.detachedHead=false", ...args], {
      cwd: dir,
      env,
      timeoutMs,
    });
  try {
    await createEmptyRepository(dir);
    // No `git maintenance run --auto` after the fetch: the checkout is thrown away (one process less).
    const fetch = await git(
      ["-c", "maintenance.auto=false", "fetch", "--quiet", "--no-tags", "--depth", "1", "--", repo, ref],
      timeout,
    );
    if (fetch.exitCode !== 0) {
      if (fetch.timedOut) throw fetchTimeout(repo, ref, timeout);
      throw fetchFailure(repo, ref, String(fetch.stderr));
    }
    const checkout = await git(["checkout", "--quiet", "--detach", "FETCH_HEAD"]);
    if (checkout.exitCode !== 0) throw gitFailure("git checkout", repo, ref, checkout.stderr);
    // A detached HEAD is the checked-out commit's full id: read it instead of running `git rev-parse`.
    const revision = (await readFile(path.join(dir, ".git", "HEAD"), "utf8").catch(() => "")).trim();
    if (!COMMIT_ID.test(revision))
      throw gitFailure("reading HEAD", repo, ref, `.git/HEAD is not a commit id: '${revision.slice(0, 80)}'`);
    return { dir, repository: repo, requestedRef: ref, revision, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * What `git init --template=` leaves, written directly (one git process less per resolution): the three
 * entries git recognizes a repository by (HEAD, objects/, refs/) and a format-0 config. No template, so
 * no hook from a template directory can run in the checkout.
 */
async function createEmptyRepository(dir: string): Promise<void> {
  const gitDir = path.join(dir, ".git");
  await mkdir(path.join(gitDir, "objects"), { recursive: true });
  await mkdir(path.join(gitDir, "refs"));
  await writeFile(path.join(gitDir, "HEAD"), "ref: refs/heads/main\n");
  await writeFile(path.join(gitDir, "config"), "[core]\n\trepositoryformatversion = 0\n\tbare = false\n");
}

function fetchFailure(repository: string, ref: string, stderr: string): CoreOpsError {
  const detail = lastLine(stderr);
  if (/couldn't find remote ref|not our ref|no such remote ref|unadvertised object/i.test(stderr)) {
    return new CoreOpsError(`ref '${ref}' does not resolve in repository ${repository}`, {
      code: "git_ref_not_found",
      field: "ref",
      exitCode: ExitCode.failure,
      hint: COMMIT_ID.test(ref)
        ? `the server does not offer commit ${ref} (it may not exist, or the server refuses fetching by commit id); use a branch or tag (git said: ${detail})`
        : `check the branch or tag name (git ls-remote ${repository}); git said: ${detail}`,
    });
  }
  return new CoreOpsError(`cannot fetch '${ref}' from repository ${repository}`, {
    code: "git_fetch_failed",
    field: "repository",
    exitCode: ExitCode.failure,
    hint: `check the URL or path and access rights; git said: ${detail}`,
  });
}

function fetchTimeout(repository: string, ref: string, timeoutMs: number): CoreOpsError {
  return new CoreOpsError(
    `fetching '${ref}' from repository ${repository} did not finish in ${timeoutMs / 1000} s`,
    {
      code: "git_fetch_timeout",
      field: "repository",
      exitCode: ExitCode.failure,
      hint:
        fetchTimeoutMs(repository) === LOCAL_FETCH_TIMEOUT_MS
          ? "a local repository answers in seconds: check that the path is a readable git repository (no FIFO or hanging file system in it)"
          : "check the network path to the git server, or whether it is overloaded",
    },
  );
}

function gitFailure(step: string, repository: string, ref: string, stderr: unknown): CoreOpsError {
  return new CoreOpsError(`${step} failed for '${ref}' of repository ${repository}`, {
    code: "git_failed",
    exitCode: ExitCode.failure,
    hint: `git said: ${lastLine(String(stderr ?? ""))}`,
  });
}

function lastLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const fatal = lines.find((l) => l.startsWith("fatal:"));
  return fatal ?? lines[lines.length - 1] ?? "(no output)";
}
