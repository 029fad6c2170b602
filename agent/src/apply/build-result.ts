/**
 * The result view of one apply, built from what actually executed: per-object final states and
 * executed operations come from the executor, the planned action and causes from the plan (never the
 * other way round), the summary counts mutations, not plans. Pure.
 */
import type { ExecutionDurations } from "../model/execution.js";
import { isMutatingOperation } from "../model/operations.js";
import type { Outcome } from "../model/outcome.js";
import type { PhaseEvent } from "../model/phases.js";
import type { Plan } from "../plan/compute-plan.js";
import type { Status } from "../state/status.js";
import { VIEW_SCHEMA_VERSION } from "../views/common.js";
import type { ApplyDurations, ResultEntry, ResultView } from "../views/result-view.js";
import type { ExecutionResult } from "./model.js";

export interface ResultInput {
  plan: Plan;
  exec: ExecutionResult;
  outcome: Outcome;
  rollback: boolean;
  recording: boolean;
  revision: string | null;
  lastApplied: string | null;
  hold: Status["hold"];
  phases: PhaseEvent[];
  durations: ApplyDurations;
  systemctlCalls: number;
  recordNotes: string[];
  backupDir: string | null;
}

export function resultEntries(plan: Plan, exec: ExecutionResult): ResultEntry[] {
  const byId = new Map(exec.objects.map((o) => [o.object, o]));
  return plan.view.entries.map((e) => {
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
}

function summaryOf(input: ResultInput, entries: ResultEntry[]): ResultView["summary"] {
  const { exec, outcome, recording, revision, lastApplied } = input;
  const mutated = (x: ResultEntry) => x.executed.some((op) => isMutatingOperation(op));
  const converged = outcome === "converged" || outcome === "converged_with_tolerated_variance";
  return {
    changed_count: entries.filter((x) => x.final_state === "succeeded" && mutated(x)).length,
    failed_count: entries.filter((x) => x.final_state === "failed").length,
    blocked_count: entries.filter((x) => x.final_state === "blocked").length,
    skipped_count: entries.filter((x) => x.final_state === "skipped").length,
    unchanged_count: entries.filter(
      (x) => (x.final_state === "succeeded" || x.final_state === "no_op") && !mutated(x),
    ).length,
    writes: exec.events.filter((ev) => ev.state === "succeeded" && isMutatingOperation(ev.operation)).length,
    systemctl_calls: input.systemctlCalls,
    message: converged
      ? recording
        ? `last applied revision is now ${revision?.slice(0, 8)}`
        : "converged (state not recorded)"
      : `convergence ${exec.convergence.status}${recording ? `; last applied revision stays ${lastApplied?.slice(0, 8) ?? "none"}` : ""}`,
  };
}

/** The durations of one run: the CLI edge's, planning, the executor's phases, recording, and the total. */
export function runDurations(parts: {
  startupMs: number;
  resolutionMs: number;
  planningMs: number;
  exec: ExecutionDurations;
  recordingMs: number;
  sinceStartMs: number;
}): ApplyDurations {
  const ms = (x: number) => Math.round(x);
  return {
    startup_ms: ms(parts.startupMs),
    resolution_ms: ms(parts.resolutionMs),
    planning_ms: ms(parts.planningMs),
    ...parts.exec,
    recording_ms: ms(parts.recordingMs),
    total_ms: ms(parts.startupMs + parts.resolutionMs + parts.sinceStartMs),
  };
}

export function buildResultView(input: ResultInput): ResultView {
  const { plan, exec, recording, hold } = input;
  const entries = resultEntries(plan, exec);
  const converged = exec.convergence.status === "success";
  return {
    view_kind: "result",
    schema_version: VIEW_SCHEMA_VERSION,
    revision_context: plan.view.revision_context,
    observation: plan.view.observation,
    mode: input.rollback ? "rollback" : "apply",
    outcome: input.outcome,
    summary: summaryOf(input, entries),
    convergence: exec.convergence,
    state: {
      recorded: recording,
      last_applied_revision: recording ? (converged ? input.revision : input.lastApplied) : null,
      hold: hold?.held ? hold.reason : null,
    },
    phases: input.phases,
    durations: input.durations,
    warnings: exec.stopTimeouts,
    events: exec.events,
    entries,
    notes: [...plan.view.notes, ...input.recordNotes],
    ...(input.backupDir !== null ? { backups: { dir: input.backupDir, saved: exec.backups } } : {}),
  };
}
