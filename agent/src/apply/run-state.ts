/**
 * What one apply records in status.json, and the rollback hold it leaves: `in_progress` before any side
 * effect, `failed` when the executor throws, then the final reconciliation — inventory and snapshot only
 * on convergence, so `last_applied_revision` never moves on a partial, blocked, repeated-failure or
 * oscillating outcome (README "Outcomes of an apply"). Nothing is written when the run does not record.
 */
import type { DesiredState } from "../desired/model.js";
import { buildInfo } from "../identity.js";
import type { Outcome } from "../model/outcome.js";
import type { Plan } from "../plan/compute-plan.js";
import { inventoryFromObjects } from "../resources/inventory.js";
import { recordSuccess } from "../state/record-success.js";
import { rfc3339, type Status, writeStatusAtomic } from "../state/status.js";
import { failureRecord, rollbackFailureRecord } from "./failure-record.js";
import type { ExecutionResult } from "./model.js";

type Hold = Status["hold"];

export function controllerBlock(): Status["controller"] {
  const info = buildInfo();
  const t =
    info.build_time && !Number.isNaN(Date.parse(info.build_time)) ? rfc3339(new Date(info.build_time)) : null;
  return { version: info.version, revision: info.revision, build_time: t, tree_state: info.tree_state };
}

export interface RunStateInput {
  /** Where to record; null with `recording` false records nothing. */
  stateFile: string | null;
  recording: boolean;
  /** status.json as read before the run (null: none). */
  prev: Status | null;
  /** The revision being applied (null for an unversioned directory, never recorded). */
  revision: string | null;
  /** A rollback applies a snapshot: the tracked ref's observation is not updated. */
  rollback: boolean;
  /** CORE_OPS_AUTO_ROLLBACK's rollback: the hold says so. */
  autoRollback?: boolean;
  /** The hold this run starts with (already released by admission when it was). */
  hold: Hold;
  startedAt: string;
}

/** The final record's inputs: the plan, what executed, and how the run ended. */
export interface RunEnd {
  plan: Plan;
  exec: ExecutionResult;
  outcome: Outcome;
  desired: DesiredState;
  finishedAt: string;
}

/** Records one run's reconciliation in status.json; `recordingMs` is the time it spent doing so. */
export class RunState {
  recordingMs = 0;
  private generation: number;
  readonly lastApplied: string | null;
  private readonly base: Status | null;

  constructor(private readonly input: RunStateInput) {
    this.generation = input.prev?.reconciliation.generation ?? 0;
    this.lastApplied = input.prev?.reconciliation.last_applied_revision ?? null;
    this.base = baseStatus(input);
  }

  private get active(): boolean {
    return this.input.recording && this.base !== null;
  }

  private async write(s: Status): Promise<void> {
    const w0 = performance.now();
    if (this.input.recording && this.input.stateFile) await writeStatusAtomic(this.input.stateFile, s);
    this.recordingMs += performance.now() - w0;
  }

  private reconciliation(status: "in_progress" | "failed" | "success", finishedAt: string | null) {
    return {
      generation: this.generation,
      status,
      running: status === "in_progress",
      last_attempted_revision: this.input.revision,
      last_applied_revision: status === "success" ? this.input.revision : this.lastApplied,
      last_started_at: this.input.startedAt,
      last_finished_at: finishedAt,
    };
  }

  /** `in_progress`, before any side effect. */
  async start(): Promise<void> {
    if (!this.active || !this.base) return;
    this.generation += 1;
    await this.write({ ...this.base, reconciliation: this.reconciliation("in_progress", null) });
  }

  /** The executor threw (a refusal or a fatal effect error): the failed attempt is recorded, nothing is lost. */
  async failed(finishedAt: string): Promise<void> {
    if (!this.active || !this.base) return;
    await this.write({ ...this.base, reconciliation: this.reconciliation("failed", finishedAt) });
  }

  /** The final record; returns the hold the run leaves and the notes of recording a success. */
  async finish(end: RunEnd): Promise<{ hold: Hold; notes: string[] }> {
    const converged = end.exec.convergence.status === "success";
    const hold = this.holdAfter(converged, end.finishedAt);
    const notes: string[] = [];
    if (!this.active || !this.base) return { hold, notes };
    const final: Status = {
      ...this.base,
      hold,
      reconciliation: this.reconciliation(converged ? "success" : "failed", end.finishedAt),
      inventory: converged ? inventoryAfter(end.plan) : this.base.inventory,
      last_failure: (this.input.rollback ? rollbackFailureRecord : failureRecord)({
        ...end,
        revision: this.input.revision,
        prev: this.input.prev,
      }),
    };
    const { revision, stateFile } = this.input;
    if (converged && revision && stateFile) {
      const s0 = performance.now();
      notes.push(
        ...(await recordSuccess({
          stateFile,
          revision,
          desired: end.desired,
          appliedAt: end.finishedAt,
          status: final,
        })),
      );
      this.recordingMs += performance.now() - s0;
    } else await this.write(final);
    return { hold, notes };
  }

  /**
   * A converged rollback holds the release it rolled back from: the tracked ref's revision at rollback
   * time (the state's observed revision), which need not be the last applied one — a release that never
   * converged is held just the same.
   */
  private holdAfter(converged: boolean, finishedAt: string): Hold {
    const { prev, revision } = this.input;
    if (!(converged && this.input.rollback)) return this.input.hold;
    const from =
      prev?.desired_state?.last_observed_revision ??
      prev?.reconciliation.last_attempted_revision ??
      this.lastApplied;
    const auto = this.input.autoRollback === true;
    return from && from !== revision
      ? {
          held: true,
          rolled_back_from: from,
          reason: `${auto ? `automatic rollback after ${from.slice(0, 8)} ended non_converging: ` : ""}rolled back to ${revision?.slice(0, 8)}; ${from.slice(0, 8)} is not applied until the tracked ref moves or an operator re-attaches`,
          since: finishedAt,
          ...(auto ? { trigger: "auto_rollback" as const } : {}),
        }
      : null;
  }
}

function baseStatus(input: RunStateInput): Status | null {
  const prev = input.prev;
  if (!prev) return null;
  const tracking = prev.desired_state;
  return {
    ...prev,
    controller: controllerBlock(),
    desired_state:
      tracking && !input.rollback
        ? { ...tracking, last_observed_revision: input.revision, last_observed_at: input.startedAt }
        : tracking,
    hold: input.hold,
  };
}

/**
 * The inventory after a converged run: what was written (the plan's desired objects, modes as written),
 * plus the objects kept because they were edited on the host — so the next run still recognises them.
 */
function inventoryAfter(plan: Plan): Status["inventory"] {
  const desiredObjs = plan.objects.flatMap((p) => (p.desired ? [p.desired] : []));
  const keptObjs = plan.objects.flatMap((p) => (p.kept && p.applied ? [p.applied] : []));
  return [...inventoryFromObjects(desiredObjs), ...keptObjs].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}
