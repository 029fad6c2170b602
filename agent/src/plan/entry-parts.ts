/**
 * The parts of a plan entry that describe an object rather than decide about it (pure): its reference,
 * its semantic diff, its mount facts, and the plan's summary counts.
 */
import { type Action, ActionSchema, isChanging } from "../model/actions.js";
import type { NormalizedObject } from "../resources/managed-object.js";
import type { InventoryObject } from "../state/status.js";
import type { DependencyEdge, MountFacts, ObjectRef, SemanticDiff } from "../views/common.js";
import type { PlanEntry, PlanSummary } from "../views/plan-view.js";
import { unifiedDiff } from "./line-diff.js";

export function semanticDiff(
  action: Action,
  desired: NormalizedObject | null,
  observed: NormalizedObject | null,
): SemanticDiff | null {
  if (desired && !observed)
    return {
      kind: "creation",
      summary: `new ${desired.kind}`,
      unified_diff: unifiedDiff("", desired.diffText),
      fields: Object.keys(desired.fields).sort(),
    };
  if (!desired && observed)
    return {
      kind: "deletion",
      summary: `remove ${observed.kind}`,
      unified_diff: unifiedDiff(observed.diffText, ""),
      fields: [],
    };
  if (!desired || !observed) return null;
  if (desired.material === observed.material) return null;
  const fields = Object.keys({ ...desired.fields, ...observed.fields })
    .filter((k) => desired.fields[k] !== observed.fields[k])
    .sort();
  const summary =
    fields.length === 1
      ? `${fields[0]} changed`
      : fields.length === 0
        ? "content changed"
        : `${fields.length} fields changed: ${fields.join(", ")}`;
  return {
    kind: action === "replace" ? "replacement" : "line_based",
    summary,
    unified_diff: unifiedDiff(observed.diffText, desired.diffText),
    fields,
  };
}

export function objectRef(o: NormalizedObject | null, a: InventoryObject | null, id: string): ObjectRef {
  if (o) return { display_id: o.id, kind: o.kind, resource_type: o.resourceType, name: o.name, unit: o.unit };
  const slash = id.indexOf("/");
  return {
    display_id: id,
    kind: a?.kind ?? "rendered_artifact",
    resource_type: id.slice(0, slash),
    name: id.slice(slash + 1),
    unit: a?.unit ?? null,
  };
}

export function mountFacts(
  o: NormalizedObject | null,
  desiredById: Map<string, NormalizedObject>,
  deps: DependencyEdge[],
): MountFacts | null {
  if (!o?.mount) return null;
  const stem = o.name.replace(/\.(auto)?mount$/, "");
  const automountId = `automount/${stem}.automount`;
  const mountId = `mount/${stem}.mount`;
  return {
    where: o.mount.where,
    what: o.mount.what,
    type: o.mount.type,
    options: o.mount.options,
    create_mountpoint: o.mount.createMountpoint,
    network_backed: o.mount.networkBacked,
    automount: o.kind === "mount" && desiredById.has(automountId) ? automountId : null,
    mount: o.kind === "automount" && desiredById.has(mountId) ? mountId : null,
    dependent_count: new Set(deps.filter((d) => d.relation === "dependent").map((d) => d.object)).size,
  };
}

export function summarize(entries: readonly PlanEntry[]): PlanSummary {
  const actions = {
    create: 0,
    update: 0,
    replace: 0,
    delete: 0,
    recover: 0,
    restart: 0,
    no_op: 0,
    blocked: 0,
    skipped: 0,
  };
  let variance = 0;
  for (const e of entries) {
    actions[e.action]++;
    if (e.drift.some((d) => d.category === "runtime_variance")) variance++;
  }
  const changed = ActionSchema.options.filter(isChanging).reduce((n, a) => n + actions[a], 0);
  return {
    changed_count: changed,
    unchanged_count: actions.no_op,
    blocked_count: actions.blocked,
    skipped_count: actions.skipped,
    total_count: entries.length,
    actions,
    runtime_variance_count: variance,
  };
}
