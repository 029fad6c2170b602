/** Human rendering of the explain view (pure). */
import type { ExplainView } from "./explain-view.js";
import { formatRevision } from "./revision.js";

function indent(text: string, by = "    "): string[] {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `${by}${l}`);
}

export function renderExplain(view: ExplainView): string {
  const rc = view.revision_context;
  const out: string[] = [];
  out.push(`Explain: ${view.object.display_id}`);
  out.push(
    rc.source_kind === "state"
      ? `Host ${rc.host} @ ${formatRevision(rc.target_revision, null)} (deployed target from state${rc.requested_ref ? `; tracking ${rc.requested_ref}` : ""})`
      : `Host ${rc.host} @ ${formatRevision(rc.target_revision, rc.requested_ref)}`,
  );
  out.push(`Kind: ${view.object.kind}${view.object.unit ? `, runtime unit ${view.object.unit}` : ""}`);
  if (view.metadata.automount_unit) out.push(`Automount: ${view.metadata.automount_unit}`);
  if (view.x_coreops) out.push(`[X-CoreOps] CreateMountpoint=${view.x_coreops.create_mountpoint}`);
  out.push(`Action: ${view.action_or_outcome}`);
  out.push(`Why: ${view.apply_intent}`);
  if (view.causes.length > 0) {
    out.push("Causes:");
    for (const c of view.causes) out.push(`  ${c.kind}: ${c.summary}`);
  }
  if (view.drift.length > 0) {
    out.push("Drift:");
    for (const d of view.drift) out.push(`  ${d.category} (${d.comparison_basis}): ${d.details}`);
  }
  out.push("Sources:");
  if (view.sources.length === 0) out.push("  (none)");
  for (const s of view.sources)
    out.push(
      `  ${s.layer.padEnd(5)} ${s.path} → ${s.target}${s.replaces ? ` (replaces ${s.replaces})` : ""}`,
    );
  if (view.dependency_context.length > 0) {
    out.push("Dependencies:");
    for (const d of view.dependency_context)
      out.push(`  ${d.relation} ${d.object} [${d.state}]: ${d.reason}`);
  }
  if (view.runtime)
    out.push(`Runtime: ${view.runtime.active_state}/${view.runtime.sub_state} (${view.runtime.load_state})`);
  else out.push(`Runtime: ${view.observation.note}`);
  if (view.effective_content !== null) {
    out.push("Effective content:");
    out.push(...indent(view.effective_content));
  }
  if (view.diff?.unified_diff) {
    out.push(`Semantic diff (${view.diff.summary}):`);
    out.push(...indent(view.diff.unified_diff));
  }
  for (const n of view.notes) out.push(`Note: ${n}`);
  return `${out.join("\n")}\n`;
}
