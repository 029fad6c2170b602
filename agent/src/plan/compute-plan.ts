/**
 * Three-way planning (pure): desired (normalized repository objects), last_applied (the state inventory)
 * and observed (normalized host files + runtime state when systemd was asked) → ordered plan entries with
 * actions, causes, drift records, dependencies and semantic diffs.
 *
 * Rules:
 * - desired, not on host: `create` (or `recover` when the applied file vanished and desired is unchanged).
 * - desired, on host, material equal: `no_op` (`runtime_variance` records for every ignored byte
 *   difference), `recover` when systemd reports the unit `failed`, or `inactive` although it should run
 *   (resources/activation.ts: started directly and expected active — a service stopped by hand).
 * - desired, on host, material differs: `update` (`desired_change` when the host still matches the last
 *   applied record, `drift` when desired did not change, both when both moved); `replace` when the file
 *   is not owned (neither marked nor in the inventory: apply takes it over), when a Quadlet's generated
 *   unit name changes, or when a mount's What/Where/Type change (unmount + mount).
 * - not desired, owned on host: `delete` (`desired_change` when it was in the inventory, `stale_residue`
 *   drift when only the marker claims it); not desired, in inventory, gone from host: `skipped`.
 *   Unowned host files are never deleted. Not desired, but edited on the host since the last apply (a
 *   file's sha256 differs from the inventory's): `skipped` and kept — with its unit left as it is —
 *   unless `deleteEdited` (README "What CoreOps owns and where it writes").
 * - blocked: a Quadlet reference (`Volume=x.volume`, `Network=`, `Pod=`, `Image=`) to a file that exists
 *   neither in the desired state nor on the host, or a mount with `[X-CoreOps] CreateMountpoint=false` whose
 *   mountpoint is missing on the host; dependents of a blocked object are blocked.
 * - restart: an unchanged unit whose prerequisite is created/updated/replaced/recovered/restarted through a
 *   binding dependency (Requires=, BindsTo=, Requisite=, RequiresMountsFor=, Volume=, Network=, Pod=,
 *   EnvironmentFile=, bind mounts). `After=`/`Wants=` only order.
 * Order: desired objects topologically (lexical tie-break), then deletes in reverse topological order.
 */

import { restartsDependents } from "../model/actions.js";
import { effectiveUnit, runtimeRole } from "../resources/activation.js";
import type { NormalizedObject, ObjectFile } from "../resources/managed-object.js";
import type { Admission } from "../state/admission.js";
import type { InventoryObject } from "../state/status.js";
import {
  type Cause,
  type DependencyEdge,
  type Drift,
  type RevisionContext,
  VIEW_SCHEMA_VERSION,
} from "../views/common.js";
import type { Observation, PlanEntry, PlanView } from "../views/plan-view.js";
import { type Decision, decideDesired, decideUndesired, type Reason, type RuntimeFinding } from "./decide.js";
import { buildGraph, type GraphEdge } from "./dependency-graph.js";
import { mountFacts, objectRef, semanticDiff, summarize } from "./entry-parts.js";
import type { Observed } from "./observe.js";
import { cause, explainDesired, explainUndesired } from "./reasons.js";
import { topoOrder } from "./topo-order.js";

export interface PlannedObject {
  entry: PlanEntry;
  /** The action and its reason as data: apply and the outcome read this, never the entry's words. */
  decision: Decision;
  desired: NormalizedObject | null;
  observed: NormalizedObject | null;
  applied: InventoryObject | null;
  /** Owned host files the action removes (all owned files for `delete`; stale drop-ins otherwise). */
  removeFiles: ObjectFile[];
  /** No longer desired but edited on the host: kept (and kept in the inventory) instead of deleted. */
  kept: boolean;
}

export interface Plan {
  view: PlanView;
  /** In `order_index` order. */
  objects: PlannedObject[];
  /** Dependency edges among desired objects (prerequisite → dependent). */
  edges: GraphEdge[];
}

export interface ComputePlanInput {
  desired: readonly NormalizedObject[];
  observed: Observed;
  /** The last applied inventory; null without state (stateless, first run). */
  inventory: readonly InventoryObject[] | null;
  revision: RevisionContext;
  observation: Observation;
  notes?: string[];
  /** Delete no-longer-desired objects even when they were edited on the host (`--delete-edited`). */
  deleteEdited?: boolean;
  /** The rollback-hold decision for the tracked ref (null: stateless, or a rollback plan). */
  admission?: Admission | null;
}

function ownedFiles(o: NormalizedObject | null): ObjectFile[] {
  return o ? o.files.filter((f) => f.owned) : [];
}

interface Draft {
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
interface DesiredGraph {
  desiredById: Map<string, NormalizedObject>;
  edges: GraphEdge[];
  blockers: ReturnType<typeof buildGraph>["blockers"];
  order: string[];
}

function desiredGraph(desired: readonly NormalizedObject[], observed: Observed): DesiredGraph {
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
function draftDesiredObjects(
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

function block(draft: Draft, reason: Reason, summary: string, source: string | null = null): void {
  draft.decision = {
    action: "blocked",
    reason,
    replacements: [],
    toleratedVariance: false,
    blocker: summary,
  };
  draft.causes = [cause("blocked_prerequisite", summary, source)];
}

/**
 * Phase 2, in topological order (prerequisites are final before dependents): missing references and
 * mountpoints block, a blocked prerequisite blocks its dependents, and an unchanged unit whose binding
 * prerequisite changes restarts.
 */
function propagate(g: DesiredGraph, drafts: Map<string, Draft>, observed: Observed): void {
  const blockedBy = new Map<string, string[]>();
  for (const b of g.blockers)
    blockedBy.set(b.object, [...(blockedBy.get(b.object) ?? []), `${b.via}${b.missing}`]);
  const prereqs = new Map<string, GraphEdge[]>();
  for (const e of g.edges) prereqs.set(e.to, [...(prereqs.get(e.to) ?? []), e]);
  const actionOf = (id: string) => drafts.get(id)?.decision.action ?? "no_op";
  for (const id of g.order) {
    const draft = drafts.get(id) as Draft;
    const missing = blockedBy.get(id);
    if (missing) {
      block(
        draft,
        "missing_reference",
        `references ${missing.join(", ")}, which is neither in the desired state nor on the host`,
      );
      continue;
    }
    const mountpoint = observed.missingMountpoints.get(id);
    if (mountpoint !== undefined) {
      block(
        draft,
        "missing_mountpoint",
        `mountpoint ${mountpoint} is missing on the host and [X-CoreOps] CreateMountpoint=false: create the directory, or set CreateMountpoint=true`,
      );
      continue;
    }
    const incoming = prereqs.get(id) ?? [];
    const blockedPrereq = incoming.find((e) => actionOf(e.from) === "blocked");
    if (blockedPrereq) {
      block(
        draft,
        "prerequisite_blocked",
        `prerequisite ${blockedPrereq.from} is blocked`,
        blockedPrereq.from,
      );
      continue;
    }
    if (draft.desired?.unit && draft.decision.action === "no_op") {
      const trigger = incoming.filter((e) => e.restarts && restartsDependents(actionOf(e.from)));
      if (trigger.length > 0) {
        draft.decision = { ...draft.decision, action: "restart", reason: "prerequisite_changed" };
        const variance = draft.causes.filter((c) => c.kind === "runtime_variance");
        draft.causes = [
          ...trigger.map((e) =>
            cause("dependency_change", `prerequisite ${e.from} changes (${e.via})`, e.from),
          ),
          cause("restart_required", `restart ${draft.desired.unit} so it picks up the change`),
          ...variance,
        ];
      }
    }
  }
}

/** Phase 3: owned host objects and inventory objects no longer desired, dependents first. */
function draftDeletes(
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

/** Phase 4: the dependency edges of every entry (both directions, blockers, the deletes' graph). */
function dependencies(g: DesiredGraph, deleteEdges: GraphEdge[]): Map<string, DependencyEdge[]> {
  const deps = new Map<string, DependencyEdge[]>();
  const pushDep = (id: string, e: DependencyEdge) => deps.set(id, [...(deps.get(id) ?? []), e]);
  for (const e of g.edges) {
    pushDep(e.to, { relation: "prerequisite", object: e.from, via: e.via });
    pushDep(e.from, { relation: "dependent", object: e.to, via: e.via });
  }
  for (const b of g.blockers) pushDep(b.object, { relation: "blocker", object: b.missing, via: b.via });
  for (const e of deleteEdges) {
    pushDep(e.to, { relation: "prerequisite", object: e.from, via: e.via });
    pushDep(e.from, { relation: "dependent", object: e.to, via: e.via });
  }
  return deps;
}

/** Phase 5: one plan entry (the view) with the planner's own record of it. */
function plannedObject(
  draft: Draft,
  index: number,
  observed: Observed,
  desiredById: Map<string, NormalizedObject>,
  deps: Map<string, DependencyEdge[]>,
): PlannedObject {
  const obj = draft.desired ?? draft.observed;
  const ref = objectRef(obj, draft.applied, draft.id);
  const rt = ref.unit ? observed.runtime.get(ref.unit) : undefined;
  const paths = [
    ...new Set(
      (draft.desired ?? draft.observed)?.files.map((f) => f.path) ??
        draft.applied?.files.map((f) => f.path) ??
        [],
    ),
  ].sort();
  const entryDeps = (deps.get(draft.id) ?? []).sort((a, b) =>
    a.relation + a.object + a.via < b.relation + b.object + b.via ? -1 : 1,
  );
  const action = draft.decision.action;
  const entry: PlanEntry = {
    order_index: index,
    object: ref,
    action,
    causes: draft.causes,
    drift: draft.drift,
    dependencies: entryDeps,
    paths,
    remove_paths: draft.removeFiles.map((f) => f.path).sort(),
    diff: semanticDiff(action, draft.desired, draft.observed),
    runtime: rt
      ? {
          load_state: rt.loadState,
          active_state: rt.activeState,
          sub_state: rt.subState,
          unit_file_state: rt.unitFileState,
        }
      : null,
    mount: mountFacts(obj, desiredById, entryDeps),
    notes: draft.notes,
  };
  return {
    entry,
    decision: draft.decision,
    desired: draft.desired,
    observed: draft.observed,
    applied: draft.applied,
    removeFiles: draft.removeFiles,
    kept: draft.kept ?? false,
  };
}

/** Three-way planning in phases: decide each object, propagate, add the deletes, then build the view. */
export function computePlan(input: ComputePlanInput): Plan {
  const { observed, inventory } = input;
  const hasState = inventory !== null;
  const applied = new Map((inventory ?? []).map((o) => [o.id, o]));
  const g = desiredGraph(input.desired, observed);
  const drafts = draftDesiredObjects(g, observed, applied, hasState);
  propagate(g, drafts, observed);
  const removals = draftDeletes(g, observed, applied, input.deleteEdited ?? false);
  const deps = dependencies(g, removals.edges);
  const all = [...g.order.map((id) => drafts.get(id) as Draft), ...removals.deletes];
  const objects = all.map((draft, index) => plannedObject(draft, index, observed, g.desiredById, deps));
  const entries = objects.map((o) => o.entry);
  const view: PlanView = {
    view_kind: "plan",
    schema_version: VIEW_SCHEMA_VERSION,
    revision_context: input.revision,
    observation: input.observation,
    summary: summarize(entries),
    entries,
    notes: [...(input.notes ?? [])],
    admission: input.admission ?? null,
  };
  return { view, objects, edges: g.edges };
}
