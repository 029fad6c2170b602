/** Human rendering of the status view (pure). */

import { formatRevision } from "./revision.js";
import type { StatusView } from "./status-view.js";

export function renderStatus(view: StatusView): string {
  const out: string[] = [];
  const rc = view.running_controller;
  out.push(`State file: ${view.state_file}`);
  if (view.status === "absent" || view.snapshot === null) {
    out.push(`Status: absent (${view.absent_reason ?? "missing"})`);
    out.push(`Controller: ${rc.version} (${rc.revision.slice(0, 8)}) ${rc.tree_state}`);
    return `${out.join("\n")}\n`;
  }
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
  out.push(`reconciliation: ${r.status} (generation ${r.generation})${r.running ? ", running" : ""}`);
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
  out.push(`managed objects: ${s.inventory.length}`);
  return `${out.join("\n")}\n`;
}
