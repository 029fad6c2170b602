/**
 * `core-ops agent`: one reconciliation of the tracked ref, for core-ops.service (README "Apply, the timer agent").
 * The repository and ref come from status.json, or from CORE_OPS_REPO/CORE_OPS_REV when set (recorded as
 * `init` would; when they differ from the tracked ones the environment wins and the change is logged).
 * Uninitialized, held or quarantined → says why and exits 0. Prints exactly one JSON summary line on stdout (the
 * journal); human diagnostics go to stderr.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { autoRollback, autoRollbackEnabled } from "../apply/auto-rollback.js";
import { controllerBlock, runApply } from "../apply/run-apply.js";
import { fetchRef } from "../desired/git-source.js";
import { resolveHost } from "../desired/host-identity.js";
import { CoreOpsError } from "../errors.js";
import { buildInfo } from "../identity.js";
import { admit } from "../state/admission.js";
import { desiredTreeDigest } from "../state/desired-digest.js";
import { acquireLock, resolveLockPath } from "../state/lock.js";
import { migrateStateDir } from "../state/migrate-state.js";
import { type RetryPolicy, retryPolicyFromEnv } from "../state/quarantine.js";
import {
  neverRunReconciliation,
  readStatus,
  resolveStateFile,
  rfc3339,
  STATUS_SCHEMA_VERSION,
  type Status,
  writeStatusAtomic,
} from "../state/status.js";
import { type AgentRollbackSummary, rollbackSummary } from "./agent-rollback-summary.js";
import { backupDirForRun, createApplyPorts } from "./apply-ports.js";
import type { ExitCodeRequest } from "./exit-code.js";
import { type ResolvedSource, resolveSource } from "./source-options.js";

interface AgentOptions {
  host?: string;
  quadletDir?: string;
  systemdUnitDir?: string;
  root?: string;
  stateFile?: string;
  lockPath?: string;
  reload?: boolean;
  activationTimeout?: string;
}

export interface AgentSummary {
  agent: "core-ops";
  version: string;
  /** The git revision this binary was built from. */
  controller_revision: string;
  host: string | null;
  outcome: string;
  reason: string | null;
  repository: string | null;
  requested_ref: string | null;
  revision: string | null;
  last_applied_revision: string | null;
  changed: number;
  failed: number;
  writes: number;
  duration_ms: number;
  /** Set when CORE_OPS_AUTO_ROLLBACK rolled back (or could not roll back) a non-converging apply. */
  rollback?: AgentRollbackSummary;
}

export function register(program: Command, exit: ExitCodeRequest): void {
  program
    .command("agent")
    .description("one reconciliation of the tracked ref (run by core-ops.service from core-ops.timer)")
    .option("--host <host>", "host identity (default: CORE_OPS_HOST, else the hostname)")
    .option(
      "--quadlet-dir <dir>",
      "Quadlet directory (default: CORE_OPS_QUADLET_DIR, else /etc/containers/systemd)",
    )
    .option(
      "--systemd-unit-dir <dir>",
      "unit directory (default: CORE_OPS_SYSTEMD_UNIT_DIR, else /etc/systemd/system)",
    )
    .option("--root <dir>", "offline root (files only, no systemctl)")
    .option(
      "--state-file <file>",
      "status.json path (default: CORE_OPS_STATE_FILE, else /var/lib/core-ops/status.json)",
    )
    .option("--lock-path <file>", "run lock (default: CORE_OPS_LOCK_PATH, else /run/core-ops/agent.lock)")
    .option("--no-reload", "skip systemctl daemon-reload")
    .option("--activation-timeout <seconds>", "bound of the wait for activating units per attempt", "90")
    .action(async (opts: AgentOptions) => {
      const code = await agentCommand(
        opts,
        process.env,
        (line) => process.stdout.write(`${line}\n`),
        (l) => process.stderr.write(`${l}\n`),
      );
      if (code !== 0) exit.request(code);
    });
}

/** What every step of one agent run shares: its options, the summary it fills and the way it ends. */
interface AgentRun {
  opts: AgentOptions;
  env: NodeJS.ProcessEnv;
  stateFile: string;
  summary: AgentSummary;
  log: (line: string) => void;
  /** Prints the summary line and returns `code`. */
  emit: (code: number) => number;
  startupMs: number;
}

export async function agentCommand(
  opts: AgentOptions,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  log: (line: string) => void,
): Promise<number> {
  const started = Date.now();
  const startupMs = performance.now();
  const summary = newSummary();
  const emit = (code: number) => {
    summary.duration_ms = Date.now() - started;
    out(JSON.stringify(summary));
    return code;
  };
  const stateFile = resolveStateFile(opts.stateFile, env);
  let lock: ReturnType<typeof acquireLock> | null = null;
  try {
    summary.host = resolveHost(opts.host, env);
    lock = acquireLock(resolveLockPath(opts.lockPath, env), "agent");
    if (lock.recoveredFrom)
      log(`recovered the lock of a dead run (pid ${lock.recoveredFrom.pid}, ${lock.recoveredFrom.command})`);
    const tracked = await readTrackedStatus(stateFile, log);
    const status = await adoptEnvironmentSource(tracked, env, stateFile, log);
    if (!status?.desired_state) {
      summary.reason = `not initialized: ${stateFile} tracks no repository; run core-ops init <repository> <ref> (or set CORE_OPS_REPO and CORE_OPS_REV)`;
      log(summary.reason);
      return emit(0);
    }
    summary.repository = status.desired_state.repository;
    summary.requested_ref = status.desired_state.requested_ref;
    summary.last_applied_revision = status.reconciliation.last_applied_revision;
    return await reconcileTrackedRef({ opts, env, stateFile, summary, log, emit, startupMs });
  } catch (err) {
    return emit(failureExitCode(err, summary, log));
  } finally {
    lock?.release();
  }
}

function newSummary(): AgentSummary {
  return {
    agent: "core-ops",
    version: buildInfo().version,
    controller_revision: buildInfo().revision,
    host: null,
    outcome: "skipped",
    reason: null,
    repository: null,
    requested_ref: null,
    revision: null,
    last_applied_revision: null,
    changed: 0,
    failed: 0,
    writes: 0,
    duration_ms: 0,
  };
}

/** The status file after migrating the state directory; null when there is none yet. */
async function readTrackedStatus(stateFile: string, log: (line: string) => void): Promise<Status | null> {
  for (const note of (await migrateStateDir(stateFile)).notes) log(note);
  const read = await readStatus(stateFile);
  if (read.kind === "invalid")
    throw new CoreOpsError(`state file ${stateFile} is unreadable: ${read.reason}`, {
      code: "state_invalid",
      file: stateFile,
      hint: "recover with: core-ops init <repository> <ref> --force",
    });
  return read.kind === "ok" ? read.status : null;
}

/**
 * CORE_OPS_REPO/CORE_OPS_REV, when both are set and name another source than the tracked one, are recorded
 * as `init` would (the environment wins); returns the status to reconcile with.
 */
async function adoptEnvironmentSource(
  status: Status | null,
  env: NodeJS.ProcessEnv,
  stateFile: string,
  log: (line: string) => void,
): Promise<Status | null> {
  const envRepo = env.CORE_OPS_REPO?.trim() || undefined;
  const envRev = env.CORE_OPS_REV?.trim() || undefined;
  if (!envRepo || !envRev) return status;
  const tracked = status?.desired_state;
  if (tracked && tracked.repository === envRepo && tracked.requested_ref === envRev) return status;
  const checkout = await fetchRef(envRepo, envRev);
  await checkout.cleanup();
  if (tracked && tracked.repository === checkout.repository && tracked.requested_ref === envRev) {
    // same source spelled differently (normalized repository): nothing to record
    return status;
  }
  const changedSource = tracked !== undefined && tracked !== null;
  if (changedSource)
    log(
      `CORE_OPS_REPO/CORE_OPS_REV (${checkout.repository} ${envRev}) differ from the tracked ${tracked.repository} ${tracked.requested_ref}: the environment wins`,
    );
  const adopted: Status = {
    schema_version: STATUS_SCHEMA_VERSION,
    controller: controllerBlock(),
    desired_state: {
      repository: checkout.repository,
      requested_ref: envRev,
      last_observed_revision: checkout.revision,
      last_observed_at: rfc3339(new Date()),
    },
    reconciliation: status?.reconciliation ?? neverRunReconciliation(),
    hold: changedSource ? null : (status?.hold ?? null),
    inventory: status?.inventory ?? [],
    last_failure: changedSource ? null : (status?.last_failure ?? null),
  };
  await writeStatusAtomic(stateFile, adopted);
  return adopted;
}

/** Resolves the tracked ref, asks admission, and applies unless held or quarantined. */
async function reconcileTrackedRef(run: AgentRun): Promise<number> {
  const { opts, env, stateFile, summary, log, emit } = run;
  const resolutionStarted = performance.now();
  const source = await resolveSource(
    {
      host: opts.host,
      quadletDir: opts.quadletDir,
      systemdUnitDir: opts.systemdUnitDir,
      root: opts.root,
      stateFile,
    },
    env,
  );
  try {
    summary.revision = source.desired.source.revision;
    const retryPolicy = retryPolicyFromEnv(env);
    const rollbackOnFailure = autoRollbackEnabled(env);
    const admission = admit(source.status, summary.revision, {
      retryPolicy,
      contentDigest: desiredTreeDigest(source.desired),
    });
    if (admission.decision === "held" || admission.decision === "quarantined") {
      summary.outcome = admission.decision;
      summary.reason = `${admission.message}; to release: ${admission.release_hint}`;
      log(summary.reason);
      return emit(0);
    }
    return emit(await applyAdmitted(run, source, retryPolicy, rollbackOnFailure, resolutionStarted));
  } finally {
    await source.cleanup();
  }
}

/** Applies an admitted revision, fills the summary, and rolls back automatically when asked to. */
async function applyAdmitted(
  run: AgentRun,
  source: ResolvedSource,
  retryPolicy: RetryPolicy,
  rollbackOnFailure: boolean,
  resolutionStarted: number,
): Promise<number> {
  const { opts, env, stateFile, summary, log } = run;
  const root = opts.root !== undefined ? resolve(opts.root) : null;
  const ports = createApplyPorts(root, source.dirs, backupDirForRun(stateFile, root, env));
  const common = {
    systemctlCalls: ports.systemctlCalls,
    dirs: source.dirs,
    observer: source.observer,
    stateFile,
    ports,
    noReload: opts.reload === false,
    allowMassDelete: false,
    activationTimeoutMs: Number(opts.activationTimeout ?? "90") * 1000,
  };
  const result = await runApply({
    ...common,
    desired: source.desired,
    stateMode: "tracked",
    status: source.status,
    rollback: null,
    admission: { retryPolicy },
    notes: source.notes,
    before: { startupMs: run.startupMs, resolutionMs: performance.now() - resolutionStarted },
  });
  const v = result.view;
  summary.outcome = v.outcome;
  summary.reason = v.summary.message;
  summary.changed = v.summary.changed_count;
  summary.failed = v.summary.failed_count + v.summary.blocked_count;
  summary.writes = v.summary.writes;
  summary.last_applied_revision = v.state.last_applied_revision;
  for (const e of v.entries) if (e.failure) log(`[!] ${e.object.display_id}: ${e.failure.detail}`);
  for (const w of v.warnings ?? []) log(`warning: ${w.detail}`);
  if (v.outcome === "non_converging" && rollbackOnFailure) {
    const rb = await autoRollback({ ...common, host: source.desired.host }, runApply);
    summary.rollback = rollbackSummary(rb);
    if (rb.kind === "applied") summary.last_applied_revision = rb.result.view.state.last_applied_revision;
    log(`automatic rollback: ${summary.rollback.reason}`);
  }
  return result.exitCode;
}

/** Records a failed run in the summary and the log; a run that finds the lock held has nothing to do (0). */
function failureExitCode(err: unknown, summary: AgentSummary, log: (line: string) => void): number {
  if (err instanceof CoreOpsError && err.code === "lock_held") {
    // Another run is reconciling right now: this trigger has nothing to do.
    summary.reason = err.message;
    log(err.message);
    return 0;
  }
  summary.outcome = "error";
  summary.reason =
    err instanceof CoreOpsError ? err.message : err instanceof Error ? err.message : String(err);
  if (err instanceof CoreOpsError) log(err.render());
  else log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return err instanceof CoreOpsError ? err.exitCode : 1;
}
