/**
 * One apply, end to end, after the CLI edge has resolved the source and created the ports:
 * plan → (hold / mass-delete checks) → `in_progress` recorded → execute → final state, inventory and
 * snapshot recorded only on convergence → result view. `last_applied_revision` never moves on a partial,
 * blocked, repeated-failure or oscillating outcome.
 */
import type { DesiredState } from "../desired/model.js";
import { CoreOpsError } from "../errors.js";
import { buildInfo } from "../identity.js";
import type { Plan } from "../plan/compute-plan.js";
import type { HostObserver } from "../plan/host-observer.js";
import { planHost } from "../plan/plan-host.js";
import type { ManagedDirs } from "../resources/from-desired.js";
import { inventoryFromObjects } from "../resources/inventory.js";
import { recordSuccess } from "../state/record-success.js";
import { type LastFailure, rfc3339, type Status, writeStatusAtomic } from "../state/status.js";
import { VIEW_SCHEMA_VERSION } from "../views/common.js";
import type { PhaseEvent, ResultEntry, ResultView } from "../views/result-view.js";
import { type AdmitApplyRequest, admitApply } from "./admit-apply.js";
import { DEFAULT_RETRY_BUDGET } from "./convergence.js";
import { type ExecutorPorts, executePlan, massDeleteRefusal } from "./executor.js";
import { failureRecord, keptFailure } from "./failure-record.js";
import { applyObjectsFromPlan } from "./from-plan.js";
import type { ApplyEvent, ExecutionResult } from "./model.js";
import { applyOutcome, MUTATING } from "./outcome.js";

export interface ApplyRunRequest {
  desired: DesiredState;
  dirs: ManagedDirs;
  observer: HostObserver;
  /** `tracked`: status.json is read and (unless stateFile is null) written; `stateless`: neither. */
  stateMode: "stateless" | "tracked";
  status: Status | null;
  /** Where to record state; null = record nothing (stateless, --force-no-state). */
  stateFile: string | null;
  ports: ExecutorPorts;
  noReload: boolean;
  allowMassDelete: boolean;
  /**
   * Set for `--rollback-to`: the revision being rolled back to (desired comes from its snapshot).
   * `auto`: CORE_OPS_AUTO_ROLLBACK after a non-converging apply (the hold says so; its failure is kept).
   */
  rollback: { revision: string; auto?: boolean } | null;
  /** Retry policy of quarantined content, `--retry-failed`, clock (state/admission.ts). */
  admission?: AdmitApplyRequest["admission"];
  notes: string[];
  retryBudget?: number;
  activationTimeoutMs?: number;
  settleMs?: number;
  now?: () => Date;
  onEvent?: (e: ApplyEvent) => void;
  onPhase?: (p: PhaseEvent) => void;
  /** systemctl invocations made so far by the ports (reported in the result). */
  systemctlCalls?: () => number;
  /** Delete no-longer-desired objects even when edited on the host (`--delete-edited`). */
  deleteEdited?: boolean;
  /** Time spent before this call, measured at the CLI edge (process start-up, source resolution). */
  before?: { startupMs: number; resolutionMs: number };
}

export interface ApplyRunResult {
  view: ResultView;
  plan: Plan;
  exitCode: 0 | 1;
}

export function controllerBlock(): Status["controller"] {
  const info = buildInfo();
  const t =
    info.build_time && !Number.isNaN(Date.parse(info.build_time)) ? rfc3339(new Date(info.build_time)) : null;
  return { version: info.version, revision: info.revision, build_time: t, tree_state: info.tree_state };
}

const FULL_REVISION = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export async function runApply(req: ApplyRunRequest): Promise<ApplyRunResult> {
  const now = req.now ?? (() => new Date());
  const t0 = performance.now();
  const phases: PhaseEvent[] = [];
  let seq = 0;
  const phase = (p: PhaseEvent["phase"], state: PhaseEvent["state"]) => {
    const e: PhaseEvent = { phase: p, state, sequence: seq++ };
    phases.push(e);
    req.onPhase?.(e);
  };
  phase("resolution", "completed");
  const revision = req.desired.source.revision;
  const recording = req.stateFile !== null && req.stateMode === "tracked";
  if (recording && (revision === null || !FULL_REVISION.test(revision)))
    throw new CoreOpsError("cannot record state for a desired state without a git revision", {
      code: "revision_unknown",
      hint: "apply a tracked git repository, or use --source-repo / --force-no-state for an unversioned directory",
    });
  const admission = admitApply(req);
  const hold = admission?.decision === "released" ? null : (req.status?.hold ?? null);
  const notes = [...req.notes];

  phase("planning", "started");
  const planningStarted = performance.now();
  const plan = await planHost({
    desired: req.desired,
    dirs: req.dirs,
    observer: req.observer,
    stateMode: req.stateMode,
    status: req.status,
    notes,
    deleteEdited: req.deleteEdited ?? false,
    rollback: req.rollback !== null,
  });
  phase("graph_construction", "completed");
  phase("planning", "completed");
  const planningMs = performance.now() - planningStarted;
  let recordingMs = 0;
  const objects = applyObjectsFromPlan(plan);
  // Refusals come before anything is recorded or touched.
  const refusal = req.allowMassDelete ? null : massDeleteRefusal(objects);
  if (refusal)
    throw new CoreOpsError(`refusing to apply: ${refusal}`, {
      code: "mass_delete_refused",
      file: req.desired.hostFile,
      field: "services",
      hint: "check --host and the host's services list; pass --allow-mass-delete if this is intended",
    });

  const startedAt = rfc3339(now());
  const prev = req.status;
  let generation = prev?.reconciliation.generation ?? 0;
  const lastApplied = prev?.reconciliation.last_applied_revision ?? null;
  const writeState = async (s: Status) => {
    const w0 = performance.now();
    if (recording && req.stateFile) await writeStatusAtomic(req.stateFile, s);
    recordingMs += performance.now() - w0;
  };
  const baseStatus = (): Status | null => {
    if (!prev) return null;
    const tracking = prev.desired_state;
    return {
      ...prev,
      controller: controllerBlock(),
      desired_state:
        tracking && req.rollback === null
          ? { ...tracking, last_observed_revision: revision, last_observed_at: startedAt }
          : tracking,
      hold,
    };
  };

  // in_progress before any side effect.
  const base = baseStatus();
  if (recording && base) {
    generation += 1;
    await writeState({
      ...base,
      reconciliation: {
        generation,
        status: "in_progress",
        running: true,
        last_attempted_revision: revision,
        last_applied_revision: lastApplied,
        last_started_at: startedAt,
        last_finished_at: null,
      },
    });
  }

  phase("execution", "started");
  let exec: ExecutionResult;
  try {
    exec = await executePlan(
      objects,
      req.ports,
      {
        noReload: req.noReload,
        allowMassDelete: req.allowMassDelete,
        retryBudget: req.retryBudget ?? DEFAULT_RETRY_BUDGET,
        activationTimeoutMs: req.activationTimeoutMs ?? 90_000,
        settleMs: req.settleMs ?? 1_000,
        systemdUnitDir: req.dirs.unitDir,
        ...(req.onEvent ? { onEvent: req.onEvent } : {}),
      },
      seq,
    );
  } catch (err) {
    // A refusal or a fatal effect error: record the failed attempt (nothing is lost), then report.
    if (recording && base) {
      await writeState({
        ...base,
        reconciliation: {
          generation,
          status: "failed",
          running: false,
          last_attempted_revision: revision,
          last_applied_revision: lastApplied,
          last_started_at: startedAt,
          last_finished_at: rfc3339(now()),
        },
      });
    }
    throw err;
  }
  seq += exec.events.length;
  phase("execution", exec.objects.some((o) => o.final_state === "failed") ? "failed" : "completed");
  phase("convergence_check", exec.convergence.status === "success" ? "completed" : "failed");

  const converged = exec.convergence.status === "success";
  const finishedAt = rfc3339(now());
  const tolerated = plan.view.summary.runtime_variance_count > 0;
  const outcome = applyOutcome(exec, tolerated);
  let newHold = hold;
  if (converged && req.rollback) {
    // The hold names what the tracked ref resolved to at rollback time (the state's observed revision),
    // which need not be the last applied one: a release that never converged is held just the same.
    const from =
      prev?.desired_state?.last_observed_revision ??
      prev?.reconciliation.last_attempted_revision ??
      lastApplied;
    newHold =
      from && from !== revision
        ? {
            held: true,
            rolled_back_from: from,
            reason: `${req.rollback.auto ? `automatic rollback after ${from.slice(0, 8)} ended non_converging: ` : ""}rolled back to ${revision?.slice(0, 8)}; ${from.slice(0, 8)} is not applied until the tracked ref moves or an operator re-attaches`,
            since: finishedAt,
            ...(req.rollback.auto ? { trigger: "auto_rollback" as const } : {}),
          }
        : null;
  }
  const lastFailure: LastFailure | null = req.rollback?.auto
    ? keptFailure(prev)
    : failureRecord({ revision, outcome, exec, finishedAt, desired: req.desired, prev });
  const recordNotes: string[] = [];
  if (recording && base) {
    // The inventory: what was written (the plan's desired objects, modes as written), plus the objects
    // kept because they were edited on the host — so the next run still recognises them as edited.
    const desiredObjs = converged ? plan.objects.flatMap((p) => (p.desired ? [p.desired] : [])) : null;
    const keptObjs = plan.objects.flatMap((p) => (p.kept && p.applied ? [p.applied] : []));
    const final: Status = {
      ...base,
      hold: newHold,
      reconciliation: {
        generation,
        status: converged ? "success" : "failed",
        running: false,
        last_attempted_revision: revision,
        last_applied_revision: converged ? revision : lastApplied,
        last_started_at: startedAt,
        last_finished_at: finishedAt,
      },
      inventory: desiredObjs
        ? [...inventoryFromObjects(desiredObjs), ...keptObjs].sort((a, b) =>
            a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
          )
        : base.inventory,
      last_failure: lastFailure,
    };
    if (converged && revision && req.stateFile) {
      const s0 = performance.now();
      recordNotes.push(
        ...(await recordSuccess({
          stateFile: req.stateFile,
          revision,
          desired: req.desired,
          appliedAt: finishedAt,
          status: final,
        })),
      );
      recordingMs += performance.now() - s0;
    } else await writeState(final);
  }

  const byId = new Map(exec.objects.map((o) => [o.object, o]));
  const entries: ResultEntry[] = plan.view.entries.map((e) => {
    const r = byId.get(e.object.display_id);
    return {
      object: e.object,
      action: e.action,
      final_state: r?.final_state ?? "skipped",
      causes: e.causes,
      executed: r?.executed ?? [],
      failure: r?.failure ?? null,
    };
  });
  const mutated = (x: ResultEntry) => x.executed.some((op) => MUTATING.has(op));
  const summary = {
    changed_count: entries.filter((x) => x.final_state === "succeeded" && mutated(x)).length,
    failed_count: entries.filter((x) => x.final_state === "failed").length,
    blocked_count: entries.filter((x) => x.final_state === "blocked").length,
    skipped_count: entries.filter((x) => x.final_state === "skipped").length,
    unchanged_count: entries.filter(
      (x) => (x.final_state === "succeeded" || x.final_state === "no_op") && !mutated(x),
    ).length,
    writes: exec.events.filter((ev) => ev.state === "succeeded" && MUTATING.has(ev.operation)).length,
    systemctl_calls: req.systemctlCalls?.() ?? 0,
    message: "",
  };
  summary.message =
    outcome === "converged" || outcome === "converged_with_tolerated_variance"
      ? recording
        ? `last applied revision is now ${revision?.slice(0, 8)}`
        : "converged (state not recorded)"
      : `convergence ${exec.convergence.status}${recording ? `; last applied revision stays ${lastApplied?.slice(0, 8) ?? "none"}` : ""}`;
  phase("final_summary", "completed");
  const startupMs = req.before?.startupMs ?? 0;
  const resolutionMs = req.before?.resolutionMs ?? 0;
  const ms = (x: number) => Math.round(x);
  const durations = {
    startup_ms: ms(startupMs),
    resolution_ms: ms(resolutionMs),
    planning_ms: ms(planningMs),
    ...exec.durations,
    recording_ms: ms(recordingMs),
    total_ms: ms(startupMs + resolutionMs + (performance.now() - t0)),
  };
  const view: ResultView = {
    view_kind: "result",
    schema_version: VIEW_SCHEMA_VERSION,
    revision_context: plan.view.revision_context,
    observation: plan.view.observation,
    mode: req.rollback ? "rollback" : "apply",
    outcome,
    summary,
    convergence: exec.convergence,
    state: {
      recorded: recording,
      last_applied_revision: recording ? (converged ? revision : lastApplied) : null,
      hold: newHold?.held ? newHold.reason : null,
    },
    phases,
    durations,
    warnings: exec.stopTimeouts,
    events: exec.events,
    entries,
    notes: [...plan.view.notes, ...recordNotes],
    ...(req.ports.backups ? { backups: { dir: req.ports.backups.dir, saved: exec.backups } } : {}),
  };
  return { view, plan, exitCode: converged ? 0 : 1 };
}
