/**
 * One apply, end to end, after the CLI edge has resolved the source and created the ports:
 * plan → (hold / mass-delete checks) → `in_progress` recorded → execute → final state, inventory and
 * snapshot recorded only on convergence (run-state.ts) → result view (build-result.ts).
 * `last_applied_revision` never moves on a partial, blocked, repeated-failure or oscillating outcome.
 */
import type { DesiredState } from "../desired/model.js";
import { CoreOpsError } from "../errors.js";
import type { ApplyEvent } from "../model/execution.js";
import type { PhaseEvent } from "../model/phases.js";
import type { Plan } from "../plan/compute-plan.js";
import type { HostObserver } from "../plan/host-observer.js";
import { planHost } from "../plan/plan-host.js";
import type { ManagedDirs } from "../resources/from-desired.js";
import { rfc3339, type Status } from "../state/status.js";
import type { ResultView } from "../views/result-view.js";
import { type AdmitApplyRequest, admitApply } from "./admit-apply.js";
import { buildResultView, runDurations } from "./build-result.js";
import { DEFAULT_RETRY_BUDGET } from "./convergence.js";
import { type ExecutorPorts, executePlan } from "./executor.js";
import { applyObjectsFromPlan } from "./from-plan.js";
import { refuseMassDelete } from "./mass-delete.js";
import type { ApplyObject, ApplyOptions, ExecutionResult } from "./model.js";
import { applyOutcome } from "./outcome.js";
import { RunState } from "./run-state.js";

// init, status and the agent name the controller from here (it is recorded with every run's state).
export { controllerBlock } from "./run-state.js";

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
  /** Set for `--rollback-to`: the revision being rolled back to (desired comes from its snapshot). */
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

const FULL_REVISION = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The run's phase events, numbered in one sequence with the executor's events. */
class Phases {
  readonly events: PhaseEvent[] = [];
  seq = 0;
  constructor(private readonly onPhase?: (p: PhaseEvent) => void) {}
  mark(phase: PhaseEvent["phase"], state: PhaseEvent["state"]): void {
    const e: PhaseEvent = { phase, state, sequence: this.seq++ };
    this.events.push(e);
    this.onPhase?.(e);
  }
}

/** Refusals before planning: an unversioned state to record, a held or quarantined revision. Returns the hold kept. */
function admitRun(req: ApplyRunRequest, recording: boolean): Status["hold"] {
  const revision = req.desired.source.revision;
  if (recording && (revision === null || !FULL_REVISION.test(revision)))
    throw new CoreOpsError("cannot record state for a desired state without a git revision", {
      code: "revision_unknown",
      hint: "apply a tracked git repository, or use --source-repo / --force-no-state for an unversioned directory",
    });
  const admission = admitApply(req);
  return admission?.decision === "released" ? null : (req.status?.hold ?? null);
}

function executionOptions(req: ApplyRunRequest): ApplyOptions {
  return {
    noReload: req.noReload,
    retryBudget: req.retryBudget ?? DEFAULT_RETRY_BUDGET,
    activationTimeoutMs: req.activationTimeoutMs ?? 90_000,
    settleMs: req.settleMs ?? 1_000,
    systemdUnitDir: req.dirs.unitDir,
    ...(req.onEvent ? { onEvent: req.onEvent } : {}),
  };
}

async function planRun(req: ApplyRunRequest, phases: Phases): Promise<{ plan: Plan; planningMs: number }> {
  phases.mark("planning", "started");
  const planningStarted = performance.now();
  const plan = await planHost({
    desired: req.desired,
    dirs: req.dirs,
    observer: req.observer,
    stateMode: req.stateMode,
    status: req.status,
    notes: [...req.notes],
    deleteEdited: req.deleteEdited ?? false,
    rollback: req.rollback !== null,
  });
  phases.mark("graph_construction", "completed");
  phases.mark("planning", "completed");
  return { plan, planningMs: performance.now() - planningStarted };
}

/** The run's state recorder, with `in_progress` recorded (run-state.ts). */
async function startRecording(
  req: ApplyRunRequest,
  recording: boolean,
  hold: Status["hold"],
  startedAt: string,
): Promise<RunState> {
  const state = new RunState({
    stateFile: req.stateFile,
    recording,
    prev: req.status,
    revision: req.desired.source.revision,
    rollback: req.rollback !== null,
    autoRollback: req.rollback?.auto === true,
    hold,
    startedAt,
  });
  await state.start();
  return state;
}

/** Executes the plan between its phase marks; an execution that throws is recorded as failed first. */
async function execute(
  req: ApplyRunRequest,
  objects: readonly ApplyObject[],
  state: RunState,
  phases: Phases,
  now: () => Date,
): Promise<ExecutionResult> {
  phases.mark("execution", "started");
  let exec: ExecutionResult;
  try {
    exec = await executePlan(objects, req.ports, executionOptions(req), phases.seq);
  } catch (err) {
    await state.failed(rfc3339(now()));
    throw err;
  }
  phases.seq += exec.events.length;
  phases.mark("execution", exec.objects.some((o) => o.final_state === "failed") ? "failed" : "completed");
  phases.mark("convergence_check", exec.convergence.status === "success" ? "completed" : "failed");
  return exec;
}

/** What the result view is built from besides the request. */
interface RunRecord {
  plan: Plan;
  planningMs: number;
  exec: ExecutionResult;
  outcome: ReturnType<typeof applyOutcome>;
  state: RunState;
  end: Awaited<ReturnType<RunState["finish"]>>;
  recording: boolean;
  phases: Phases;
  t0: number;
}

function resultView(req: ApplyRunRequest, r: RunRecord): ResultView {
  const durations = runDurations({
    startupMs: req.before?.startupMs ?? 0,
    resolutionMs: req.before?.resolutionMs ?? 0,
    planningMs: r.planningMs,
    exec: r.exec.durations,
    recordingMs: r.state.recordingMs,
    sinceStartMs: performance.now() - r.t0,
  });
  return buildResultView({
    plan: r.plan,
    exec: r.exec,
    outcome: r.outcome,
    rollback: req.rollback !== null,
    recording: r.recording,
    revision: req.desired.source.revision,
    lastApplied: r.state.lastApplied,
    hold: r.end.hold,
    phases: r.phases.events,
    durations,
    systemctlCalls: req.systemctlCalls?.() ?? 0,
    recordNotes: r.end.notes,
    backupDir: req.ports.backups ? req.ports.backups.dir : null,
  });
}

/**
 * One apply: admit → plan → refuse a mass delete → record `in_progress` → execute → record the end →
 * the result view. Each step is a function or the run's state recorder (run-state.ts).
 */
export async function runApply(req: ApplyRunRequest): Promise<ApplyRunResult> {
  const now = req.now ?? (() => new Date());
  const t0 = performance.now();
  const phases = new Phases(req.onPhase);
  phases.mark("resolution", "completed");
  const recording = req.stateFile !== null && req.stateMode === "tracked";
  const hold = admitRun(req, recording);

  const { plan, planningMs } = await planRun(req, phases);
  const objects = applyObjectsFromPlan(plan);
  // Refusals come before anything is recorded or touched.
  refuseMassDelete(objects, req.allowMassDelete, req.desired.hostFile);

  const state = await startRecording(req, recording, hold, rfc3339(now()));
  const exec = await execute(req, objects, state, phases, now);
  const finishedAt = rfc3339(now());
  const outcome = applyOutcome(
    exec,
    plan.objects.some((p) => p.decision.toleratedVariance),
  );
  const end = await state.finish({ plan, exec, outcome, desired: req.desired, finishedAt });
  phases.mark("final_summary", "completed");
  const record = { plan, planningMs, exec, outcome, state, end, recording, phases, t0 };
  return { view: resultView(req, record), plan, exitCode: exec.convergence.status === "success" ? 0 : 1 };
}
