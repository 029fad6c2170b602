/**
 * The planner's drafts (pure): each desired object decided and explained on its own (phase 1 of
 * `computePlan`, compute-plan.ts, whose header lists the rules), and the objects no longer desired
 * (phase 3). Propagation along the dependency graph between them is propagate.ts's.
 */

import { effectiveUnit, runtimeRole } from "../resources/activation.js";
import type { NormalizedObject, ObjectFile } from "../resources/managed-object.js";
import type { InventoryObject } from "../state/status.js";
import type { Cause, Drift } from "../views/common.js";
import { type Decision, decideDesired, decideUndesired, type RuntimeFinding } from "./decide.js";
import { buildGraph, type GraphEdge } from "./dependency-graph.js";
import type { Observed } from "./observe.js";
import { cause, explainDesired, explainUndesired } from "./reasons.js";
import { topoOrder } from "./topo-order.js";

function ownedFiles(o: NormalizedObject | null): ObjectFile[] {
  return o ? o.files.filter((f) => f.owned) : [];
}

export interface Draft {
  id: string;
  /** What the plan does and why (decide.ts); `action` is `decision.action`. */
  decision: Decision;
  causes: Cause[];
  drift: Drift[];
  notes: string[];
  desired: NormalizedObject | null;
  observed: NormalizedObject | null;
  applied: InventoryObject | null;
  removeFiles: ObjectFile[];
  kept?: boolean;
}

function draftDesired(
  d: NormalizedObject,
  o: NormalizedObject | null,
  a: InventoryObject | null,
  hasState: boolean,
  runtime: RuntimeFinding,
): Draft {
  const decision = decideDesired(d, o, a, hasState, runtime);
  const why = explainDesired(decision, d, o, a, hasState);
  const staleDropIns = o ? o.files.filter((f) => f.owned && !d.files.some((df) => df.path === f.path)) : [];
  return { id: d.id, decision, ...why, desired: d, observed: o, applied: a, removeFiles: staleDropIns };
}

/** A unit CoreOps starts directly and expects active (an inactive one was stopped by hand). */
function shouldRun(d: NormalizedObject, units: ReadonlySet<string>): boolean {
  const role = runtimeRole(d.kind, d.resourceType, d.unit, effectiveUnit(d), units);
  return role.activation === "start" && role.expectation === "active";
}

function draftUndesired(
  id: string,
  o: NormalizedObject | null,
  a: InventoryObject | null,
  deleteEdited: boolean,
): Draft | null {
  const decision = decideUndesired(o, a, deleteEdited);
  if (!decision) return null;
  return {
    id,
    decision,
    ...explainUndesired(decision, o, a),
    desired: null,
    observed: o,
    applied: a,
    removeFiles: decision.action === "delete" ? ownedFiles(o) : [],
    ...(decision.reason === "edited_on_host" ? { kept: true } : {}),
  };
}

/** The desired objects and the graph among them, in plan order. */
export interface DesiredGraph {
  desiredById: Map<string, NormalizedObject>;
  edges: GraphEdge[];
  blockers: ReturnType<typeof buildGraph>["blockers"];
  order: string[];
}

export function desiredGraph(desired: readonly NormalizedObject[], observed: Observed): DesiredGraph {
  const desiredById = new Map(desired.map((o) => [o.id, o]));
  const { edges, blockers } = buildGraph(
    desired,
    (id) => observed.objects.has(id) || observed.unmanagedReferenced.has(id),
  );
  const sourceOf = (id: string): string | undefined => {
    const files = desiredById.get(id)?.files ?? [];
    return (files.find((f) => f.role === "unit") ?? files.find((f) => f.source !== null))?.source?.path;
  };
  return { desiredById, edges, blockers, order: topoOrder(desiredById.keys(), edges, sourceOf) };
}

/** Phase 1: every desired object decided and explained on its own (no propagation yet). */
export function draftDesiredObjects(
  g: DesiredGraph,
  observed: Observed,
  applied: Map<string, InventoryObject>,
  hasState: boolean,
): Map<string, Draft> {
  const desiredUnits = new Set([...g.desiredById.values()].flatMap((d) => (d.unit ? [d.unit] : [])));
  const drafts = new Map<string, Draft>();
  for (const id of g.order) {
    const d = g.desiredById.get(id) as NormalizedObject;
    const o = observed.objects.get(id) ?? null;
    const rt = d.unit ? observed.runtime.get(d.unit) : undefined;
    const runtime =
      rt?.activeState === "failed"
        ? "failed"
        : rt?.activeState === "inactive" && shouldRun(d, desiredUnits)
          ? "stopped"
          : null;
    const draft = draftDesired(d, o, applied.get(id) ?? null, hasState, runtime);
    for (const n of d.notes) draft.notes.push(n);
    const foreign = observed.foreignDropIns.get(id);
    if (foreign) {
      draft.notes.push(
        `unmanaged drop-ins also apply to this unit and are left alone: ${foreign.join(", ")}`,
      );
      draft.drift.push({
        category: "external_drift",
        comparison_basis: hasState ? "three_way" : "two_way",
        auto_action: false,
        attention_required: true,
        details: `drop-ins not written by CoreOps change the effective unit: ${foreign.join(", ")}`,
      });
    }
    // Runtime activity other than `failed` is not material to a file-level plan; say so instead of hiding it.
    if (
      rt &&
      draft.decision.action === "no_op" &&
      rt.activeState !== "active" &&
      rt.activeState !== "failed"
    ) {
      const reason = `runtime state ${rt.activeState}/${rt.subState} of ${rt.unit} is not material (only failed units are recovered)`;
      if (draft.causes.length === 1 && draft.causes[0]?.kind === "no_change") draft.causes = [];
      draft.decision.toleratedVariance = true;
      draft.causes.push(cause("runtime_variance", reason));
      draft.drift.push({
        category: "runtime_variance",
        comparison_basis: "runtime_verification",
        auto_action: false,
        attention_required: false,
        details: reason,
      });
    }
    drafts.set(id, draft);
  }
  return drafts;
}

/** Phase 3: owned host objects and inventory objects no longer desired, dependents first. */
export function draftDeletes(
  g: DesiredGraph,
  observed: Observed,
  applied: Map<string, InventoryObject>,
  deleteEdited: boolean,
): { deletes: Draft[]; edges: GraphEdge[] } {
  const candidates = new Set<string>([...observed.objects.keys(), ...applied.keys()]);
  const deletes: Draft[] = [];
  for (const id of [...candidates].sort()) {
    if (g.desiredById.has(id)) continue;
    const d = draftUndesired(id, observed.objects.get(id) ?? null, applied.get(id) ?? null, deleteEdited);
    if (d) deletes.push(d);
  }
  const deleteGraph = buildGraph(
    deletes.flatMap((d) => (d.observed ? [d.observed] : [])),
    () => true,
  );
  let deleteOrder: string[];
  try {
    deleteOrder = topoOrder(
      deletes.map((d) => d.id),
      deleteGraph.edges,
    ).reverse();
  } catch {
    deleteOrder = deletes.map((d) => d.id).reverse();
  }
  const deleteById = new Map(deletes.map((d) => [d.id, d]));
  return { deletes: deleteOrder.map((id) => deleteById.get(id) as Draft), edges: deleteGraph.edges };
}
