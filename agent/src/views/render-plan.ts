/**
 * Human rendering of the plan view (pure: view in, text out). Changed, blocked and skipped objects are
 * listed in execution order; unchanged objects collapse into a count unless they carry tolerated
 * variance or notes (they explain the outcome) or `verbose` is set.
 */
import type { PlanEntry, PlanView } from "./plan-view.js";
import { formatRevision } from "./revision.js";

const SYMBOL: Record<PlanEntry["action"], string> = {
  create: "+",
  update: "~",
  replace: "±",
  delete: "-",
  recover: "↻",
  restart: "⟳",
  no_op: "=",
  blocked: "!",
  skipped: "·",
};

function header(view: PlanView): string {
  const rc = view.revision_context;
  const target = formatRevision(rc.target_revision, rc.requested_ref);
  let line = `Plan for host ${rc.host} @ ${target}`;
  if (rc.last_applied_revision && rc.last_applied_revision !== rc.target_revision)
    line = `Plan for host ${rc.host} @ ${formatRevision(rc.last_applied_revision, null)} → ${target}`;
  const suffix =
    view.observation.state === "stateless"
      ? view.entries.some((e) => e.action !== "create")
        ? " (stateless)"
        : " (first run)"
      : view.observation.state === "no_state"
        ? " (first run)"
        : "";
  return line + suffix;
}

function entryLines(e: PlanEntry, verbose: boolean): string[] {
  const lines: string[] = [];
  const action = e.action === "no_op" ? "unchanged" : e.action;
  lines.push(`  ${SYMBOL[e.action]} ${action.padEnd(9)} ${e.object.display_id}`);
  for (const c of e.causes) lines.push(`      ${c.kind}: ${c.summary}`);
  if (e.mount) {
    const m = e.mount;
    const rel = m.automount ? `, via ${m.automount}` : m.mount ? `, activates ${m.mount}` : "";
    const what = m.what ? `${m.what} ` : "";
    lines.push(
      `      ${what}on ${m.where}${m.type ? ` type ${m.type}` : ""}${rel}; ${m.dependent_count} dependent${m.dependent_count === 1 ? "" : "s"}`,
    );
  }
  const prereq = e.dependencies.filter((d) => d.relation !== "dependent");
  if (prereq.length > 0 && (verbose || e.action !== "no_op"))
    lines.push(
      `      needs: ${[...new Set(prereq.map((d) => `${d.object}${d.relation === "blocker" ? " (missing)" : ""}`))].join(", ")}`,
    );
  if (e.remove_paths.length > 0 && e.action !== "delete")
    lines.push(`      removes: ${e.remove_paths.join(", ")}`);
  for (const n of e.notes) lines.push(`      note: ${n}`);
  if (verbose && e.diff?.unified_diff) {
    for (const l of e.diff.unified_diff.trimEnd().split("\n")) lines.push(`      ${l}`);
  }
  return lines;
}

function summaryLine(view: PlanView): string {
  const a = view.summary.actions;
  const parts: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (a.create) parts.push(plural(a.create, "create"));
  if (a.update) parts.push(plural(a.update, "update"));
  if (a.replace) parts.push(plural(a.replace, "replace"));
  if (a.delete) parts.push(plural(a.delete, "delete"));
  if (a.recover) parts.push(plural(a.recover, "recover"));
  if (a.restart) parts.push(plural(a.restart, "restart"));
  if (a.blocked) parts.push(`${a.blocked} blocked`);
  if (a.skipped) parts.push(`${a.skipped} skipped`);
  parts.push(`${a.no_op} unchanged`);
  return `Summary: ${parts.join(", ")}`;
}

export function renderPlan(view: PlanView, opts: { verbose?: boolean } = {}): string {
  const verbose = opts.verbose ?? false;
  const out: string[] = [header(view)];
  const o = view.observation;
  out.push(
    `Observed: ${o.mode === "offline_root" ? `offline root ${o.root}` : "this host"} (quadlets ${o.quadlet_dir}, units ${o.systemd_unit_dir})`,
  );
  out.push(`Runtime: ${o.note}`);
  for (const n of view.notes) out.push(`Note: ${n}`);
  out.push("");
  const shown = view.entries.filter(
    (e) =>
      verbose ||
      e.action !== "no_op" ||
      e.drift.some((d) => d.category === "runtime_variance") ||
      e.notes.length > 0,
  );
  const collapsed = view.entries.length - shown.length;
  if (view.summary.changed_count === 0 && view.summary.blocked_count === 0) out.push("No managed changes.");
  for (const e of shown) out.push(...entryLines(e, verbose));
  if (collapsed > 0)
    out.push(`  … ${collapsed} unchanged object${collapsed === 1 ? "" : "s"} collapsed (-v lists them)`);
  out.push("");
  out.push(summaryLine(view));
  return `${out.join("\n")}\n`;
}
