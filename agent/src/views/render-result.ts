/**
 * Human rendering of the result view (pure). Built only from what executed: each changed object lists
 * the operations that ran; failures are marked `[!]` with the phase they failed in. Ends with counts and
 * `Outcome: …`. `verbose` adds the phase progression and every event; `durations` (or `verbose`) adds
 * where the time went. Stop-timeout warnings are always shown.
 */

import type { ApplyEvent } from "../model/execution.js";
import { isCheckOperation } from "../model/operations.js";
import type { ApplyDurations, ResultEntry, ResultView } from "./result-view.js";
import { formatRevision } from "./revision.js";

const VERIFY_REASONS = new Set([
  "inactive",
  "unit_failed",
  "restart_loop",
  "activation_timeout",
  "not_mounted",
  "file_mismatch",
]);

function header(view: ResultView): string {
  const rc = view.revision_context;
  const target = formatRevision(rc.target_revision, rc.requested_ref);
  const what = view.mode === "rollback" ? "Rollback" : "Result";
  let line = `${what} for host ${rc.host} @ ${target}`;
  if (rc.last_applied_revision && rc.last_applied_revision !== rc.target_revision)
    line = `${what} for host ${rc.host} @ ${formatRevision(rc.last_applied_revision, null)} → ${target}`;
  if (view.observation.state === "stateless") line += " (stateless)";
  if (view.observation.mode === "offline_root") line += ` [offline root ${view.observation.root}]`;
  return line;
}

function entryLine(e: ResultEntry): string[] {
  const ops = e.executed.filter((op) => !isCheckOperation(op));
  const collapsed = [...new Set(ops)].join(", ");
  if (e.final_state === "failed" && e.failure) {
    const during = VERIFY_REASONS.has(e.failure.reason) ? "Verifying" : "Applying";
    return [
      `  [!] ${e.action.padEnd(9)} ${e.object.display_id}: failed during ${during}: ${e.failure.detail}`,
    ];
  }
  if (e.final_state === "blocked")
    return [`  [!] blocked   ${e.object.display_id}${e.failure ? `: ${e.failure.detail}` : ""}`];
  if (e.final_state === "skipped")
    return [`  ·   skipped   ${e.object.display_id}${e.causes[0] ? `: ${e.causes[0].summary}` : ""}`];
  return [`  ✓   ${e.action.padEnd(9)} ${e.object.display_id}${collapsed ? ` (${collapsed})` : ""}`];
}

function changed(e: ResultEntry): boolean {
  return e.executed.some((op) => !isCheckOperation(op));
}

export function renderEvent(e: ApplyEvent): string {
  const who = e.object ? `${e.object}: ` : "";
  const detail = e.detail ? ` — ${e.detail}` : "";
  return `  [${e.phase} #${e.attempt}] ${who}${e.operation} ${e.target} ${e.state}${detail}`;
}

const DURATION_LABELS: Readonly<Record<keyof ApplyDurations, string>> = {
  startup_ms: "start-up",
  resolution_ms: "resolution",
  planning_ms: "planning",
  stops_ms: "stops",
  writes_ms: "writes",
  daemon_reload_ms: "daemon-reload",
  load_check_ms: "load check",
  enable_ms: "enable",
  restarts_ms: "restarts",
  verification_ms: "verification waits",
  recording_ms: "recording",
  total_ms: "total",
};

/** One line: `Durations: resolution 0.31 s, planning 0.12 s, …, total 2.40 s` (zero phases left out). */
export function renderDurations(d: ApplyDurations): string {
  const keys = Object.keys(DURATION_LABELS) as (keyof ApplyDurations)[];
  const parts = keys
    .filter((k) => k === "total_ms" || d[k] > 0)
    .map((k) => `${DURATION_LABELS[k]} ${(d[k] / 1000).toFixed(2)} s`);
  return `Durations: ${parts.join(", ")}`;
}

export function renderResult(
  view: ResultView,
  opts: { verbose?: boolean; durations?: boolean } = {},
): string {
  const out: string[] = [header(view)];
  if (opts.verbose) {
    out.push("Phases:");
    for (const p of view.phases) out.push(`  ${String(p.sequence).padStart(3)} ${p.phase} ${p.state}`);
    out.push("Events:");
    for (const e of view.events) out.push(renderEvent(e));
  }
  const shown = view.entries.filter(
    (e) => e.final_state !== "no_op" && (changed(e) || e.final_state !== "succeeded"),
  );
  for (const e of shown) out.push(...entryLine(e));
  const saved = view.backups?.saved ?? [];
  for (const b of saved) {
    const what =
      b.reason === "taken_over"
        ? "taken over (not written by CoreOps)"
        : b.reason === "edited"
          ? "edited on the host"
          : "not provably written by CoreOps";
    out.push(`  saved     ${b.path}: ${what}; old bytes in ${view.backups?.dir}/${b.file}`);
  }
  const s = view.summary;
  const unchanged = view.entries.length - shown.length;
  if (unchanged > 0 && shown.length > 0) out.push(`  … ${unchanged} unchanged`);
  const parts = [`${s.changed_count} changed`, `${s.unchanged_count} unchanged`];
  if (s.failed_count) parts.push(`${s.failed_count} failed`);
  if (s.blocked_count) parts.push(`${s.blocked_count} blocked`);
  if (s.skipped_count) parts.push(`${s.skipped_count} skipped`);
  out.push(
    `Summary: ${parts.join(", ")}; ${s.writes} host operation${s.writes === 1 ? "" : "s"}, ${s.systemctl_calls} systemctl call${s.systemctl_calls === 1 ? "" : "s"}`,
  );
  const c = view.convergence;
  out.push(
    `Convergence: ${c.status} after ${c.attempt_count} attempt${c.attempt_count === 1 ? "" : "s"} (${c.basis === "files" ? "file-level, offline root" : "runtime"})`,
  );
  if (c.status !== "success" && (opts.verbose || c.attempts.length > 0)) {
    for (const a of c.attempts) if (a.signature) out.push(`  attempt ${a.attempt}: ${a.signature}`);
  }
  for (const w of view.warnings ?? []) out.push(`Warning: ${w.detail}`);
  if (view.durations && (opts.verbose || opts.durations)) out.push(renderDurations(view.durations));
  if (view.state.hold) out.push(`Hold: ${view.state.hold}`);
  for (const n of view.notes) if (opts.verbose) out.push(`note: ${n}`);
  out.push(`${s.message ? `${s.message}\n` : ""}Outcome: ${view.outcome}`);
  return `${out.join("\n")}\n`;
}
