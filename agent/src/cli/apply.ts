/**
 * `core-ops apply`: execute the plan — or, with `--rollback-to`, the plan towards a retained snapshot
 * (README.md "Rollback and the hold"). Takes the agent lock for the whole run; records state unless
 * stateless/--force-no-state.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { runApply } from "../apply/run-apply.js";
import { resolveHost } from "../desired/host-identity.js";
import { createHostObserver } from "../effects/fs-host-observer.js";
import { CoreOpsError, ExitCode, usageError } from "../errors.js";
import type { ApplyEvent } from "../model/execution.js";
import type { PhaseEvent } from "../model/phases.js";
import { planHost } from "../plan/plan-host.js";
import { acquireLock, resolveLockPath } from "../state/lock.js";
import { migrateStateDir } from "../state/migrate-state.js";
import { retryPolicyFromEnv } from "../state/quarantine.js";
import { fromSnapshot } from "../state/snapshot-desired.js";
import { findRollbackTarget, snapshotsPathFor } from "../state/snapshots.js";
import { resolveStateFile } from "../state/status.js";
import { renderPlan } from "../views/render-plan.js";
import { renderEvent, renderResult } from "../views/render-result.js";
import { backupDirForRun, createApplyPorts } from "./apply-ports.js";
import type { ExitCodeRequest } from "./exit-code.js";
import { printJson, printText } from "./output.js";
import {
  addSourceOptions,
  planInputOf,
  type ResolvedSource,
  readTrackedStatus,
  resolveManagedDirs,
  resolveSource,
  type SourceOptions,
} from "./source-options.js";

export interface ApplyCliOptions extends SourceOptions {
  forceNoState?: boolean;
  reload?: boolean; // commander: --no-reload → reload=false
  rollbackTo?: string;
  rollbackPlanOnly?: boolean;
  allowMassDelete?: boolean;
  deleteEdited?: boolean;
  retryFailed?: boolean;
  lockPath?: string;
  activationTimeout?: string;
  json?: boolean;
  verbose?: boolean;
}

export function register(program: Command, exit: ExitCodeRequest): void {
  addSourceOptions(
    program.command("apply").description("execute the plan: write, reload, (re)start, verify, record"),
  )
    .option(
      "--force-no-state",
      "neither read the last-applied inventory nor record state (conflicts with --state-file)",
    )
    .option("--no-reload", "skip systemctl daemon-reload after writing unit files")
    .option("--rollback-to <rev>", "apply the retained snapshot of an earlier successfully applied revision")
    .option("--rollback-plan-only", "with --rollback-to: show the rollback plan, change nothing")
    .option(
      "--retry-failed",
      'apply content that is quarantined after a failed apply (README "Quarantine of a failed revision")',
    )
    .option("--allow-mass-delete", "allow a plan that deletes more than half of the managed objects")
    .option(
      "--delete-edited",
      "delete objects no longer desired even when edited on the host (their bytes are saved to the backup store first)",
    )
    .option("--lock-path <file>", "run lock (default: CORE_OPS_LOCK_PATH, else /run/core-ops/agent.lock)")
    .option("--activation-timeout <seconds>", "bound of the wait for activating units per attempt", "90")
    .option("--json", "print the result view model as one JSON document")
    .option("-v, --verbose", "show phase progression, every executed operation and expanded diagnostics")
    .action(async (opts: ApplyCliOptions) => {
      const code = await applyCommand(opts, process.env);
      if (code !== 0) exit.request(code);
    });
}

export async function applyCommand(opts: ApplyCliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  // performance.now() counts from process start: what came before this line is start-up.
  const startupMs = performance.now();
  const timeout = checkApplyOptions(opts);
  const readOnly = Boolean(opts.rollbackPlanOnly);
  if (!readOnly && opts.root === undefined && !existsSync("/run/systemd/system"))
    throw new CoreOpsError("systemd is not running on this machine (/run/systemd/system is missing)", {
      code: "no_systemd",
      hint: "apply to an offline root with --root DIR, or run apply on the host itself",
    });
  const lock = readOnly ? null : acquireLock(resolveLockPath(opts.lockPath, env), "apply");
  try {
    const migration =
      !readOnly && !opts.forceNoState && opts.sourceRepo === undefined
        ? await migrateStateDir(resolveStateFile(opts.stateFile, env))
        : { notes: [] };
    const root = opts.root !== undefined ? resolve(opts.root) : null;
    const resolutionStarted = performance.now();
    const { source, rollback } = opts.rollbackTo
      ? await resolveRollbackSource(opts, opts.rollbackTo, env, root)
      : { source: await resolveSource(opts, env), rollback: null };
    const resolutionMs = performance.now() - resolutionStarted;
    try {
      if (readOnly) return await printRollbackPlan(opts, source, rollback);
      return await executeApply(opts, env, {
        source,
        root,
        rollback,
        timeout,
        notes: [...migration.notes, ...source.notes],
        before: { startupMs, resolutionMs },
      });
    } finally {
      await source.cleanup();
    }
  } finally {
    lock?.release();
  }
}

/** Rejects option combinations that make no sense; returns the activation timeout in seconds. */
function checkApplyOptions(opts: ApplyCliOptions): number {
  if (opts.json && opts.verbose) throw usageError("--json and --verbose cannot be combined");
  if (opts.forceNoState && opts.stateFile !== undefined)
    throw usageError("--force-no-state and --state-file cannot be combined");
  if (opts.rollbackPlanOnly && !opts.rollbackTo)
    throw usageError("--rollback-plan-only requires --rollback-to <rev>");
  if (opts.rollbackTo && (opts.forceNoState || opts.sourceRepo !== undefined))
    throw usageError(
      "--rollback-to needs the recorded state",
      "rollback reads the retained snapshots next to status.json; drop --force-no-state / --source-repo",
    );
  const timeout = Number(opts.activationTimeout ?? "90");
  if (!Number.isFinite(timeout) || timeout < 0)
    throw usageError("--activation-timeout must be a number of seconds");
  return timeout;
}

interface Rollback {
  revision: string;
}

/** The desired state of a retained snapshot (`--rollback-to <rev>`), as a source to plan and apply. */
async function resolveRollbackSource(
  opts: ApplyCliOptions,
  rollbackTo: string,
  env: NodeJS.ProcessEnv,
  root: string | null,
): Promise<{ source: ResolvedSource; rollback: Rollback }> {
  const stateFile = resolveStateFile(opts.stateFile, env);
  const status = await readTrackedStatus(stateFile);
  if (!status?.desired_state)
    throw new CoreOpsError(`rollback needs an initialized controller: ${stateFile} tracks nothing`, {
      code: "not_initialized",
      file: stateFile,
      hint: "run core-ops init <repo-or-path> <ref> first",
    });
  const host = resolveHost(opts.host, env);
  const { snapshot, content } = findRollbackTarget(snapshotsPathFor(stateFile), rollbackTo, host);
  const source: ResolvedSource = {
    desired: fromSnapshot(snapshot, content),
    stateMode: "tracked",
    status,
    dirs: resolveManagedDirs(opts, env),
    observer: createHostObserver({ root }),
    notes: [
      `rollback to ${snapshot.revision.slice(0, 8)} from its retained snapshot (applied ${snapshot.applied_at})`,
    ],
    cleanup: async () => {},
  };
  return { source, rollback: { revision: snapshot.revision } };
}

/** `--rollback-plan-only`: prints the plan towards the snapshot, naming each disruptive step. */
async function printRollbackPlan(
  opts: ApplyCliOptions,
  source: ResolvedSource,
  rollback: Rollback | null,
): Promise<number> {
  const plan = await planHost({
    ...planInputOf(source),
    deleteEdited: Boolean(opts.deleteEdited),
  });
  const disruptive = plan.view.entries.filter((e) => e.action === "delete" || e.action === "replace");
  const notes = disruptive.map(
    (e) =>
      `rollback to ${rollback?.revision.slice(0, 8)}: ${e.object.display_id} requires disruptive ${e.action}`,
  );
  if (opts.json) printJson({ ...plan.view, notes: [...plan.view.notes, ...notes] });
  else
    printText(
      `${renderPlan(plan.view, { verbose: opts.verbose ?? false })}${notes.map((n) => `${n}\n`).join("")}`,
    );
  return ExitCode.ok;
}

interface ApplyInput {
  source: ResolvedSource;
  root: string | null;
  rollback: Rollback | null;
  timeout: number;
  notes: string[];
  before: { startupMs: number; resolutionMs: number };
}

async function executeApply(
  opts: ApplyCliOptions,
  env: NodeJS.ProcessEnv,
  input: ApplyInput,
): Promise<number> {
  const { source, root } = input;
  const stateFile =
    source.stateMode === "tracked" && !opts.forceNoState ? resolveStateFile(opts.stateFile, env) : null;
  const ports = createApplyPorts(root, source.dirs, backupDirForRun(stateFile, root, env));
  const live = !opts.json && opts.verbose;
  const tty = !opts.json && !opts.verbose && process.stderr.isTTY === true;
  const result = await runApply({
    systemctlCalls: ports.systemctlCalls,
    desired: source.desired,
    dirs: source.dirs,
    observer: source.observer,
    stateMode: opts.forceNoState ? "stateless" : source.stateMode,
    status: opts.forceNoState ? null : source.status,
    stateFile,
    ports,
    noReload: opts.reload === false,
    allowMassDelete: Boolean(opts.allowMassDelete),
    deleteEdited: Boolean(opts.deleteEdited),
    rollback: input.rollback,
    admission: { retryPolicy: retryPolicyFromEnv(env), retryFailed: Boolean(opts.retryFailed) },
    notes: input.notes,
    activationTimeoutMs: input.timeout * 1000,
    before: input.before,
    ...(live ? liveProgress() : tty ? spinnerProgress() : {}),
  });
  if (tty) process.stderr.write("\r\x1b[K");
  if (opts.json) printJson(result.view);
  else printText(renderResult(result.view, { verbose: false, durations: live }));
  return result.exitCode;
}

/** `--verbose`: one line per phase and per event on stderr. */
function liveProgress() {
  return {
    onPhase: (p: PhaseEvent) => process.stderr.write(`phase ${p.phase} ${p.state}\n`),
    onEvent: (e: ApplyEvent) => process.stderr.write(`${renderEvent(e)}\n`),
  };
}

/** On a terminal: one self-overwriting spinner line on stderr. */
function spinnerProgress() {
  const frames = ["◰", "◳", "◲", "◱"];
  let frame = 0;
  return {
    onPhase: (p: PhaseEvent) => process.stderr.write(`\r\x1b[K${frames[frame++ % 4]} ${p.phase} ${p.state}`),
    onEvent: (e: ApplyEvent) =>
      process.stderr.write(`\r\x1b[K${frames[frame++ % 4]} ${e.operation} ${e.target} ${e.state}`),
  };
}
