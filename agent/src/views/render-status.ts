/** Human rendering of the status view (pure). */

import { formatRevision } from "./revision.js";
import type { StatusView } from "./status-view.js";

function backupLines(view: StatusView): string[] {
  const b = view.backups;
  if (!b) return [];
  if (b.invalid_reason) return [`backups: ${b.dir}: index unreadable (${b.invalid_reason})`];
  if (b.entries.length === 0) return [`backups: none (${b.dir})`];
  return [
    `backups: ${b.entries.length} in ${b.dir}`,
    ...b.entries.map(
      (e) => `  ${e.saved_at} ${e.path} (${e.reason.replace("_", " ")}, ${e.size} bytes) → ${e.file}`,
    ),
  ];
}

export function renderStatus(view: StatusView): string {
  const out: string[] = [];
  const rc = view.running_controller;
  out.push(`State file: ${view.state_file}`);
  const lock = renderLock(view);
  if (view.status === "absent" || view.snapshot === null) {
    out.push(`Status: absent (${view.absent_reason ?? "missing"})`);
    out.push(`Controller: ${rc.version} (${rc.revision.slice(0, 8)}) ${rc.tree_state}`);
    out.push(...backupLines(view));
    out.push(lock);
    return `${out.join("\n")}\n`;
  }
  if (view.migrated_from !== null)
    out.push(
      `  (written with schema_version ${view.migrated_from}; read through its migration, rewritten by the next run)`,
    );
  const s = view.snapshot;
  out.push("provenance");
  out.push(
    `  controller: ${s.controller.version} (${s.controller.revision.slice(0, 8)}) ${s.controller.tree_state}${s.controller.build_time ? `, built ${s.controller.build_time}` : ""}`,
  );
  if (s.desired_state) {
    const d = s.desired_state;
    out.push(`  repository: ${d.repository}`);
    out.push(
      `  tracking: ${formatRevision(d.last_observed_revision, d.requested_ref)}${d.last_observed_at ? `, observed ${d.last_observed_at}` : ""}`,
    );
  } else out.push("  tracking: none (run core-ops init <repo> <ref>)");
  const r = s.reconciliation;
  const holderRuns = view.lock.state === "held" && view.lock.liveness !== "dead";
  const running = r.running ? (holderRuns ? ", running" : ", interrupted (no live run holds the lock)") : "";
  out.push(`reconciliation: ${r.status} (generation ${r.generation})${running}`);
  out.push(
    `  last applied: ${r.last_applied_revision ? formatRevision(r.last_applied_revision, null) : "never"}`,
  );
  out.push(
    `  last attempted: ${r.last_attempted_revision ? formatRevision(r.last_attempted_revision, null) : "never"}`,
  );
  if (r.last_started_at) out.push(`  last run: ${r.last_started_at} → ${r.last_finished_at ?? "(running)"}`);
  const lf = s.last_failure;
  if (lf) {
    out.push(
      `last failure: ${formatRevision(lf.revision, null)} at ${lf.finished_at}: ${lf.outcome} (${lf.convergence_status} after ${lf.attempt_count} of ${lf.retry_budget} attempts)`,
    );
    out.push(`  failure signature: ${lf.signature || "(none)"}`);
    for (const f of lf.failures) out.push(`  ${f.object}: ${f.reason} — ${f.detail}`);
  }
  const a = view.admission;
  if (a?.decision === "held") {
    out.push(
      `hold: HELD since ${a.since}, rolled back from ${a.rolled_back_from ? formatRevision(a.rolled_back_from, null) : "an unrecorded commit"}: ${s.hold?.reason ?? ""}`,
    );
    out.push(`  release: ${a.release_hint}`);
  } else if (a?.decision === "released") out.push(`hold: ${a.message}; the next apply drops it`);
  else out.push("hold: none");
  out.push(...quarantineLines(view), `managed objects: ${s.inventory.length}`, ...backupLines(view), lock);
  return `${out.join("\n")}\n`;
}

function renderLock(view: StatusView): string {
  const l = view.lock;
  if (l.state === "free") return `lock: free (${l.path})`;
  if (l.state === "unreadable") return `lock: unreadable record at ${l.path}`;
  const h = l.holder;
  const who = h ? `pid ${h.pid} on ${h.host} (${h.command}) since ${h.acquired_at}` : "unknown holder";
  if (l.liveness === "dead")
    return `lock: stale — held by ${who}, which is no longer running; the next run recovers it (${l.path})`;
  if (l.liveness === "unknown") return `lock: held by ${who} on another host; liveness unknown (${l.path})`;
  return `lock: held by ${who}, running (${l.path})`;
}

/** The quarantine the last failure set up (README "Quarantine of a failed revision"), if any. */
function quarantineLines(view: StatusView): string[] {
  const a = view.admission;
  const q = a?.quarantine;
  if (!q) return ["quarantine: none"];
  const retry =
    q.next_retry_at === null
      ? "no automatic retry (CORE_OPS_RETRY_FAILED=never)"
      : `automatic retry after ${q.next_retry_at}`;
  const head = `quarantine: content ${q.desired_digest.slice(0, 19)} of ${formatRevision(q.revision, null)} (${q.outcome} at ${q.failed_at}, failure ${q.failure_count}); ${retry}`;
  if (a?.decision !== "quarantined") return [`${head}; the tracked ref has moved on`];
  return [`${head}; QUARANTINED`, `  release: ${a.release_hint}`];
}
