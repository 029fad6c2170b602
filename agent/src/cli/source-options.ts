/**
 * The options plan and explain share (apply takes the same) and their resolution at the CLI edge:
 * host identity, desired-state source (stateless directory or the tracked repository from status.json),
 * managed directories, offline root, state file, and the `HostObserver`.
 */

import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { gitEnvironment, runGit } from "../desired/git-command.js";
import { resolveHost } from "../desired/host-identity.js";
import { loadDesiredState } from "../desired/load.js";
import type { DesiredState } from "../desired/model.js";
import { allowedSignersFile, verifySignature } from "../desired/signature.js";
import { createHostObserver } from "../effects/fs-host-observer.js";
import { CoreOpsError, ExitCode, usageError } from "../errors.js";
import type { HostObserver } from "../plan/host-observer.js";
import { DEFAULT_QUADLET_DIR, DEFAULT_UNIT_DIR, type ManagedDirs } from "../resources/from-desired.js";
import { readStatus, resolveStateFile, type Status } from "../state/status.js";
import { signedNote, unverifiedDirectory } from "./signed-source.js";

export interface SourceOptions {
  host?: string;
  sourceRepo?: string;
  quadletDir?: string;
  systemdUnitDir?: string;
  root?: string;
  stateFile?: string;
}

export function addSourceOptions(cmd: Command): Command {
  return cmd
    .option("--host <host>", "host to plan for (default: CORE_OPS_HOST, else the hostname)")
    .option("--source-repo <path>", "stateless: read this directory instead of the tracked repository")
    .option(
      "--quadlet-dir <dir>",
      `Quadlet directory (default: CORE_OPS_QUADLET_DIR, else ${DEFAULT_QUADLET_DIR})`,
    )
    .option(
      "--systemd-unit-dir <dir>",
      `native unit directory (default: CORE_OPS_SYSTEMD_UNIT_DIR, else ${DEFAULT_UNIT_DIR})`,
    )
    .option("--root <dir>", "offline root: resolve every host path under DIR, no systemctl")
    .option(
      "--state-file <file>",
      "status.json path (default: CORE_OPS_STATE_FILE, else /var/lib/core-ops/status.json)",
    );
}

export interface ResolvedSource {
  desired: DesiredState;
  stateMode: "stateless" | "tracked";
  status: Status | null;
  dirs: ManagedDirs;
  observer: HostObserver;
  notes: string[];
  /** Removes a temporary checkout (tracked mode); safe to call twice. */
  cleanup(): Promise<void>;
}

/** The part of a plan request (`planHost`) that a resolved source fills in. */
export function planInputOf(
  source: ResolvedSource,
): Pick<ResolvedSource, "desired" | "dirs" | "observer" | "stateMode" | "status" | "notes"> {
  return {
    desired: source.desired,
    dirs: source.dirs,
    observer: source.observer,
    stateMode: source.stateMode,
    status: source.status,
    notes: source.notes,
  };
}

function absoluteDir(flag: string, dir: string): string {
  if (!dir.startsWith("/"))
    throw usageError(`${flag} must be an absolute host path, got '${dir}'`, "e.g. /etc/containers/systemd");
  return dir.replace(/\/+$/, "") || "/";
}

/**
 * The effective managed directories, the same for every command (plan, apply, explain, agent) so an
 * operator's plan never differs from what the timer's agent does: the flag, else CORE_OPS_QUADLET_DIR /
 * CORE_OPS_SYSTEMD_UNIT_DIR, else the defaults.
 */
export function resolveManagedDirs(
  opts: Pick<SourceOptions, "quadletDir" | "systemdUnitDir">,
  env: NodeJS.ProcessEnv,
): ManagedDirs {
  const pick = (flag: string | undefined, fromEnv: string | undefined, fallback: string) =>
    flag !== undefined && flag !== "" ? flag : fromEnv !== undefined && fromEnv !== "" ? fromEnv : fallback;
  return {
    quadletDir: absoluteDir(
      "--quadlet-dir",
      pick(opts.quadletDir, env.CORE_OPS_QUADLET_DIR, DEFAULT_QUADLET_DIR),
    ),
    unitDir: absoluteDir(
      "--systemd-unit-dir",
      pick(opts.systemdUnitDir, env.CORE_OPS_SYSTEMD_UNIT_DIR, DEFAULT_UNIT_DIR),
    ),
  };
}

/** git only reads a local checkout here: seconds are plenty. */
const DIRECTORY_GIT_TIMEOUT_MS = 10_000;

async function gitOut(dir: string, args: string[]): Promise<string | null> {
  const r = await runGit(["-C", dir, ...args], {
    cwd: dir,
    env: gitEnvironment(process.env),
    timeoutMs: DIRECTORY_GIT_TIMEOUT_MS,
  });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** Revision of a directory that is the top level of a clean git checkout, else null. */
async function directoryRevision(dir: string): Promise<string | null> {
  const top = await gitOut(dir, ["rev-parse", "--show-toplevel"]);
  if (top === null || realpathSync(top) !== realpathSync(dir)) return null;
  const [head, dirty] = await Promise.all([
    gitOut(dir, ["rev-parse", "HEAD"]),
    gitOut(dir, ["status", "--porcelain"]),
  ]);
  if (head === null || dirty === null || dirty !== "") return null;
  return head;
}

export async function readTrackedStatus(stateFile: string): Promise<Status | null> {
  const read = await readStatus(stateFile);
  if (read.kind === "invalid")
    throw new CoreOpsError(`state file ${stateFile} is unreadable: ${read.reason}`, {
      code: "state_invalid",
      file: stateFile,
      hint: "re-create the tracking with: core-ops init <repo-or-path> <ref> --force  (or plan statelessly with --source-repo)",
    });
  return read.kind === "ok" ? read.status : null;
}

/**
 * Resolves the source. `revisionFromState`: explain's default — the deployed (last applied) revision of
 * the tracked repository instead of the tip of the tracked ref.
 */
export async function resolveSource(
  opts: SourceOptions,
  env: NodeJS.ProcessEnv,
  mode: { revisionFromState: boolean } = { revisionFromState: false },
): Promise<ResolvedSource> {
  if (opts.sourceRepo !== undefined && opts.stateFile !== undefined)
    throw usageError(
      "--source-repo and --state-file cannot be combined",
      "--source-repo is stateless and never reads or writes state; drop one of them",
    );
  const host = resolveHost(opts.host, env);
  const root = opts.root !== undefined ? resolve(opts.root) : null;
  const dirs = resolveManagedDirs(opts, env);
  const observer = createHostObserver({ root });
  const signers = allowedSignersFile(env);
  const where: SourceTarget = { host, dirs, observer };
  if (opts.sourceRepo !== undefined) {
    if (signers !== null) throw unverifiedDirectory(signers);
    return directorySource(opts.sourceRepo, where);
  }
  return trackedSource(resolveStateFile(opts.stateFile, env), where, signers, env, mode);
}

/** What both kinds of source resolve against: the host and its managed directories. */
interface SourceTarget {
  host: string;
  dirs: ManagedDirs;
  observer: HostObserver;
}

/** `--source-repo <PATH>`: a stateless directory, its git revision recorded when it is a checkout. */
async function directorySource(sourceRepo: string, where: SourceTarget): Promise<ResolvedSource> {
  const dir = resolve(sourceRepo);
  const revision = await directoryRevision(dir).catch(() => null);
  const desired = await loadDesiredState(dir, where.host, {
    kind: "directory",
    repository: dir,
    requestedRef: null,
    revision,
  });
  const { dirs, observer } = where;
  return {
    desired,
    stateMode: "stateless",
    status: null,
    dirs,
    observer,
    notes: [],
    cleanup: async () => {},
  };
}

/** The repository and ref status.json tracks, fetched (and its signature verified when signers are set). */
async function trackedSource(
  stateFile: string,
  where: SourceTarget,
  signers: string | null,
  env: NodeJS.ProcessEnv,
  mode: { revisionFromState: boolean },
): Promise<ResolvedSource> {
  const status = await readTrackedStatus(stateFile);
  if (!status?.desired_state)
    throw new CoreOpsError(
      `no tracked repository: ${stateFile} ${status ? "tracks nothing" : "does not exist"}`,
      {
        code: "not_initialized",
        file: stateFile,
        exitCode: ExitCode.usage,
        hint: "run core-ops init <repo-or-path> <ref> first, or plan statelessly with --source-repo <PATH> --host <host>",
      },
    );
  const notes: string[] = [];
  const tracking = status.desired_state;
  let ref = tracking.requested_ref;
  if (mode.revisionFromState) {
    const applied = status.reconciliation.last_applied_revision;
    if (applied) ref = applied;
    else
      notes.push(
        `nothing applied yet: explaining the tip of ${tracking.requested_ref} instead of a deployed revision`,
      );
  }
  const { fetchRef } = await import("../desired/git-source.js");
  const checkout = await fetchRef(tracking.repository, ref);
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await checkout.cleanup();
  };
  try {
    if (signers !== null)
      notes.push(signedNote(await verifySignature(checkout.dir, checkout.revision, ref, signers, env)));
    const desired = await loadDesiredState(checkout.dir, where.host, {
      kind: "git",
      repository: tracking.repository,
      requestedRef: tracking.requested_ref,
      revision: checkout.revision,
    });
    const { dirs, observer } = where;
    return { desired, stateMode: "tracked", status, dirs, observer, notes, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
