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
 * Phases: drafts.ts decides each object on its own, propagate.ts propagates along the graph (blocking
 * and the consumer restart), then this file adds the dependency edges and builds the view.
 */

import type { NormalizedObject, ObjectFile } from "../resources/managed-object.js";
import type { Admission } from "../state/admission.js";
import type { InventoryObject } from "../state/status.js";
import { type DependencyEdge, type RevisionContext, VIEW_SCHEMA_VERSION } from "../views/common.js";
import type { Observation, PlanEntry, PlanView } from "../views/plan-view.js";
import type { Decision } from "./decide.js";
import type { GraphEdge } from "./dependency-graph.js";
import { type DesiredGraph, type Draft, desiredGraph, draftDeletes, draftDesiredObjects } from "./drafts.js";
import { mountFacts, objectRef, semanticDiff, summarize } from "./entry-parts.js";
import type { Observed } from "./observe.js";
import { propagate } from "./propagate.js";

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
