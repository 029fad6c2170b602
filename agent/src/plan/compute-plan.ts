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

import { type Action, ActionSchema, isChanging, restartsDependents } from "../model/actions.js";
import { effectiveUnit, runtimeRole } from "../resources/activation.js";
import { sha256 } from "../resources/digest.js";
import type { NormalizedObject, ObjectFile } from "../resources/managed-object.js";
import { hasManagedMarker } from "../resources/marker.js";
import { ignoredDifferences } from "../resources/variance.js";
import type { Admission } from "../state/admission.js";
import type { InventoryObject } from "../state/status.js";
import {
  type Cause,
  type DependencyEdge,
  type Drift,
  type MountFacts,
  type RevisionContext,
  type SemanticDiff,
  VIEW_SCHEMA_VERSION,
} from "../views/common.js";
import type { Observation, PlanEntry, PlanSummary, PlanView } from "../views/plan-view.js";
import { buildGraph, type GraphEdge } from "./dependency-graph.js";
import { unifiedDiff } from "./line-diff.js";
import type { Observed } from "./observe.js";
import { topoOrder } from "./topo-order.js";

export interface PlannedObject {
  entry: PlanEntry;
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

function cause(kind: Cause["kind"], summary: string, source: string | null = null): Cause {
  return { kind, summary, source_object: source };
}

function semanticDiff(
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

function ownedFiles(o: NormalizedObject | null): ObjectFile[] {
  return o ? o.files.filter((f) => f.owned) : [];
}

function mountReplacement(d: NormalizedObject, o: NormalizedObject): string | null {
  if (d.kind !== "mount" || !d.mount || !o.mount) return null;
  const changed: string[] = [];
  if (d.mount.what !== o.mount.what) changed.push("What");
  if (d.mount.where !== o.mount.where) changed.push("Where");
  if (d.mount.type !== o.mount.type) changed.push("Type");
  return changed.length > 0 ? changed.map((k) => `[Mount] ${k}=`).join(", ") : null;
}

interface Draft {
  id: string;
  action: Action;
  causes: Cause[];
  drift: Drift[];
  notes: string[];
  desired: NormalizedObject | null;
  observed: NormalizedObject | null;
  applied: InventoryObject | null;
  removeFiles: ObjectFile[];
  kept?: boolean;
}

/** Owned host files whose bytes differ from what CoreOps last wrote there (per the inventory). */
function editedFiles(o: NormalizedObject | null, a: InventoryObject | null): string[] {
  if (!o || !a) return [];
  const applied = new Map(a.files.map((f) => [f.path, f.digest]));
  return o.files
    .filter((f) => f.owned && applied.has(f.path) && applied.get(f.path) !== sha256(f.bytes))
    .map((f) => f.path);
}

function classifyDesired(
  d: NormalizedObject,
  o: NormalizedObject | null,
  a: InventoryObject | null,
  hasState: boolean,
  runtime: "failed" | "stopped" | null,
): Draft {
  const draft: Draft = {
    id: d.id,
    action: "no_op",
    causes: [],
    drift: [],
    notes: [],
    desired: d,
    observed: o,
    applied: a,
    removeFiles: [],
  };
  const basis = hasState ? "three_way" : "two_way";
  const desiredChanged = a !== null && a.digest !== d.digest;
  if (!o) {
    if (a && !desiredChanged) {
      draft.action = "recover";
      draft.causes.push(
        cause("drift", "the applied files were removed from the host outside CoreOps"),
        cause("recovery_required", "rewrite the object from the desired state"),
      );
      draft.drift.push({
        category: "external_drift",
        comparison_basis: basis,
        auto_action: true,
        attention_required: true,
        details: `${d.files.map((f) => f.path).join(", ")} missing on the host although it was applied`,
      });
    } else {
      draft.action = "create";
      draft.causes.push(
        cause(
          "desired_change",
          a ? "changed in the desired state and missing on the host" : "new in the desired state",
        ),
      );
      draft.drift.push({
        category: "expected_change",
        comparison_basis: basis,
        auto_action: true,
        attention_required: false,
        details: "not present on the host",
      });
      if (a)
        draft.causes.push(cause("drift", "the applied files were removed from the host outside CoreOps"));
    }
    return draft;
  }
  const staleDropIns = o.files.filter((f) => f.owned && !d.files.some((df) => df.path === f.path));
  draft.removeFiles = staleDropIns;
  if (o.material === d.material) {
    const reasons = ignoredDifferences(d, o);
    for (const r of reasons) {
      draft.causes.push(cause("runtime_variance", r));
      draft.drift.push({
        category: "runtime_variance",
        comparison_basis: basis,
        auto_action: false,
        attention_required: false,
        details: r,
      });
    }
    const unmarked = o.files.filter(
      (f) => !f.owned && d.files.some((df) => df.path === f.path && hasManagedMarker(df.bytes)),
    );
    if (unmarked.length > 0)
      draft.notes.push(
        `${unmarked.map((f) => f.path).join(", ")} matches but is not marked as managed; CoreOps takes ownership when it next writes it`,
      );
    if (runtime === "stopped") {
      draft.action = "recover";
      draft.causes.unshift(
        cause("recovery_required", `unit ${d.unit} was stopped outside CoreOps; apply starts it`),
      );
      draft.drift.push({
        category: "external_drift",
        comparison_basis: "runtime_verification",
        auto_action: true,
        attention_required: true,
        details: `systemd reports ${d.unit} as inactive although it should run`,
      });
    } else if (runtime === "failed") {
      draft.action = "recover";
      draft.causes.unshift(cause("recovery_required", `unit ${d.unit} is failed; apply restarts it`));
      draft.drift.push({
        category: "external_drift",
        comparison_basis: "runtime_verification",
        auto_action: true,
        attention_required: true,
        details: `systemd reports ${d.unit} as failed`,
      });
    } else if (draft.causes.length === 0) {
      draft.causes.push(
        cause(
          "no_change",
          desiredChanged ? "the host already matches the new desired state" : "matches the desired state",
        ),
      );
    }
    return draft;
  }
  // Material difference.
  // Rendered /etc files carry no marker: without state their ownership is unknown, not foreign.
  const ownershipUnknown =
    !hasState && d.kind === "rendered_artifact" && d.files.every((f) => f.role === "config");
  const owned = ownershipUnknown || o.files.some((f) => f.owned);
  const observedMatchesApplied = a !== null && a.digest === o.digest;
  if (!owned) {
    draft.action = "replace";
    draft.causes.push(
      cause(
        "replacement_required",
        `${o.files.map((f) => f.path).join(", ")} exists on the host but was not written by CoreOps; apply replaces it and takes ownership`,
      ),
    );
    draft.drift.push({
      category: "external_drift",
      comparison_basis: basis,
      auto_action: true,
      attention_required: true,
      details: "unmanaged file at a managed path differs from the desired state",
    });
  } else if (!a) {
    draft.action = "update";
    draft.causes.push(
      cause(
        "desired_change",
        "differs from the desired state (no last-applied record to tell a change from drift)",
      ),
    );
    if (ownershipUnknown)
      draft.notes.push(
        "without a last-applied record CoreOps cannot tell whether it wrote this file; apply overwrites it",
      );
    draft.drift.push({
      category: "expected_change",
      comparison_basis: "two_way",
      auto_action: true,
      attention_required: false,
      details: "host differs from desired",
    });
  } else if (observedMatchesApplied) {
    draft.action = "update";
    draft.causes.push(cause("desired_change", "changed in the desired state since the last apply"));
    draft.drift.push({
      category: "expected_change",
      comparison_basis: "three_way",
      auto_action: true,
      attention_required: false,
      details: "host matches the last applied revision; desired moved",
    });
  } else {
    draft.action = "update";
    if (desiredChanged)
      draft.causes.push(cause("desired_change", "changed in the desired state since the last apply"));
    draft.causes.push(cause("drift", "the host copy was changed outside CoreOps since the last apply"));
    draft.drift.push({
      category: "external_drift",
      comparison_basis: "three_way",
      auto_action: true,
      attention_required: true,
      details: desiredChanged
        ? "both the desired state and the host changed since the last apply; desired wins"
        : "the host differs from the last applied revision; apply restores it",
    });
  }
  if (draft.action === "update") {
    if (d.unit !== o.unit && d.kind === "quadlet_resource") {
      draft.action = "replace";
      draft.causes.push(
        cause("replacement_required", `the generated unit changes from ${o.unit} to ${d.unit}`),
      );
    }
    const m = mountReplacement(d, o);
    if (m) {
      draft.action = "replace";
      draft.causes.push(
        cause("replacement_required", `${m} changed: the mount is unmounted and mounted again`),
      );
    }
  }
  return draft;
}

/** A unit CoreOps starts directly and expects active (an inactive one was stopped by hand). */
function shouldRun(d: NormalizedObject, units: ReadonlySet<string>): boolean {
  const role = runtimeRole(d.kind, d.resourceType, d.unit, effectiveUnit(d), units);
  return role.activation === "start" && role.expectation === "active";
}

function classifyUndesired(
  id: string,
  o: NormalizedObject | null,
  a: InventoryObject | null,
  deleteEdited: boolean,
): Draft | null {
  const owned = ownedFiles(o);
  const edited = editedFiles(o, a);
  if (edited.length > 0 && !deleteEdited)
    return {
      id,
      action: "skipped",
      causes: [
        cause(
          "drift",
          `edited on the host since the last apply (${edited.join(", ")}): kept, not deleted; pass --delete-edited to delete it`,
        ),
      ],
      drift: [
        {
          category: "external_drift",
          comparison_basis: "three_way",
          auto_action: false,
          attention_required: true,
          details: "removed from the desired state, but the host copy was edited since the last apply",
        },
      ],
      notes: [
        o?.unit
          ? `its unit ${o.unit} is left as it is: not stopped, not disabled, its files stay in place`
          : "a rendered file has no unit of its own; units that used it change as planned",
      ],
      desired: null,
      observed: o,
      applied: a,
      removeFiles: [],
      kept: true,
    };
  if (owned.length === 0) {
    if (!a) return null;
    return {
      id,
      action: "skipped",
      causes: [cause("drift", "removed from the desired state and already absent from the host")],
      drift: [
        {
          category: "external_drift",
          comparison_basis: "three_way",
          auto_action: false,
          attention_required: false,
          details: "applied files were already removed outside CoreOps; nothing to delete",
        },
      ],
      notes: [],
      desired: null,
      observed: o,
      applied: a,
      removeFiles: [],
    };
  }
  const notes: string[] = [];
  if (edited.length > 0)
    notes.push(
      `edited on the host since the last apply (${edited.join(", ")}); --delete-edited: deleted, the edited bytes are saved to the backup store first`,
    );
  const foreign = o ? o.files.filter((f) => !f.owned).map((f) => f.path) : [];
  if (foreign.length > 0) notes.push(`left in place (not owned by CoreOps): ${foreign.join(", ")}`);
  return {
    id,
    action: "delete",
    causes: a
      ? [cause("desired_change", "removed from the desired state")]
      : [
          cause(
            "drift",
            "marked '# Managed by CoreOps' on the host but neither desired nor in the last applied inventory",
          ),
        ],
    drift: [
      a
        ? {
            category: "expected_change",
            comparison_basis: "three_way",
            auto_action: true,
            attention_required: false,
            details: "no longer desired",
          }
        : {
            category: "stale_residue",
            comparison_basis: "two_way",
            auto_action: true,
            attention_required: false,
            details: "stale managed residue",
          },
    ],
    notes,
    desired: null,
    observed: o,
    applied: a,
    removeFiles: owned,
  };
}

function objectRef(o: NormalizedObject | null, a: InventoryObject | null, id: string) {
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

export function computePlan(input: ComputePlanInput): Plan {
  const { desired, observed, inventory, revision, observation } = input;
  const hasState = inventory !== null;
  const applied = new Map((inventory ?? []).map((o) => [o.id, o]));
  const desiredById = new Map(desired.map((o) => [o.id, o]));
  const { edges, blockers } = buildGraph(
    desired,
    (id) => observed.objects.has(id) || observed.unmanagedReferenced.has(id),
  );
  const sourceOf = (id: string): string | undefined => {
    const files = desiredById.get(id)?.files ?? [];
    return (files.find((f) => f.role === "unit") ?? files.find((f) => f.source !== null))?.source?.path;
  };
  const order = topoOrder(desiredById.keys(), edges, sourceOf);
  const desiredUnits = new Set(desired.flatMap((d) => (d.unit ? [d.unit] : [])));

  const drafts = new Map<string, Draft>();
  for (const id of order) {
    const d = desiredById.get(id) as NormalizedObject;
    const o = observed.objects.get(id) ?? null;
    const rt = d.unit ? observed.runtime.get(d.unit) : undefined;
    const runtime =
      rt?.activeState === "failed"
        ? "failed"
        : rt?.activeState === "inactive" && shouldRun(d, desiredUnits)
          ? "stopped"
          : null;
    const draft = classifyDesired(d, o, applied.get(id) ?? null, hasState, runtime);
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
    if (rt && draft.action === "no_op" && rt.activeState !== "active" && rt.activeState !== "failed") {
      const reason = `runtime state ${rt.activeState}/${rt.subState} of ${rt.unit} is not material (only failed units are recovered)`;
      if (draft.causes.length === 1 && draft.causes[0]?.kind === "no_change") draft.causes = [];
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
  // Blockers, then propagation in topological order (prerequisites are final before dependents).
  const blockedBy = new Map<string, string[]>();
  for (const b of blockers)
    blockedBy.set(b.object, [...(blockedBy.get(b.object) ?? []), `${b.via}${b.missing}`]);
  const prereqs = new Map<string, GraphEdge[]>();
  for (const e of edges) prereqs.set(e.to, [...(prereqs.get(e.to) ?? []), e]);
  for (const id of order) {
    const draft = drafts.get(id) as Draft;
    const missing = blockedBy.get(id);
    if (missing) {
      draft.action = "blocked";
      draft.causes = [
        cause(
          "blocked_prerequisite",
          `references ${missing.join(", ")}, which is neither in the desired state nor on the host`,
        ),
      ];
      continue;
    }
    const mountpoint = observed.missingMountpoints.get(id);
    if (mountpoint !== undefined) {
      draft.action = "blocked";
      draft.causes = [
        cause(
          "blocked_prerequisite",
          `mountpoint ${mountpoint} is missing on the host and [X-CoreOps] CreateMountpoint=false: create the directory, or set CreateMountpoint=true`,
        ),
      ];
      continue;
    }
    const incoming = prereqs.get(id) ?? [];
    const blockedPrereq = incoming.find((e) => drafts.get(e.from)?.action === "blocked");
    if (blockedPrereq) {
      draft.action = "blocked";
      draft.causes = [
        cause("blocked_prerequisite", `prerequisite ${blockedPrereq.from} is blocked`, blockedPrereq.from),
      ];
      continue;
    }
    if (draft.desired?.unit && draft.action === "no_op") {
      const trigger = incoming.filter(
        (e) => e.restarts && restartsDependents(drafts.get(e.from)?.action ?? "no_op"),
      );
      if (trigger.length > 0) {
        draft.action = "restart";
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

  // Deletes: owned host objects and inventory objects that are no longer desired.
  const candidates = new Set<string>([...observed.objects.keys(), ...applied.keys()]);
  const deletes: Draft[] = [];
  for (const id of [...candidates].sort()) {
    if (desiredById.has(id)) continue;
    const d = classifyUndesired(
      id,
      observed.objects.get(id) ?? null,
      applied.get(id) ?? null,
      input.deleteEdited ?? false,
    );
    if (d) deletes.push(d);
  }
  const deleteObjects = deletes.flatMap((d) => (d.observed ? [d.observed] : []));
  const deleteGraph = buildGraph(deleteObjects, () => true);
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

  // Dependencies per entry.
  const deps = new Map<string, DependencyEdge[]>();
  const pushDep = (id: string, e: DependencyEdge) => deps.set(id, [...(deps.get(id) ?? []), e]);
  for (const e of edges) {
    pushDep(e.to, { relation: "prerequisite", object: e.from, via: e.via });
    pushDep(e.from, { relation: "dependent", object: e.to, via: e.via });
  }
  for (const b of blockers) pushDep(b.object, { relation: "blocker", object: b.missing, via: b.via });
  for (const e of deleteGraph.edges) {
    pushDep(e.to, { relation: "prerequisite", object: e.from, via: e.via });
    pushDep(e.from, { relation: "dependent", object: e.to, via: e.via });
  }

  const all = [
    ...order.map((id) => drafts.get(id) as Draft),
    ...deleteOrder.map((id) => deleteById.get(id) as Draft),
  ];
  const objects: PlannedObject[] = all.map((draft, index) => {
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
    const entry: PlanEntry = {
      order_index: index,
      object: ref,
      action: draft.action,
      causes: draft.causes,
      drift: draft.drift,
      dependencies: entryDeps,
      paths,
      remove_paths: draft.removeFiles.map((f) => f.path).sort(),
      diff: semanticDiff(draft.action, draft.desired, draft.observed),
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
      desired: draft.desired,
      observed: draft.observed,
      applied: draft.applied,
      removeFiles: draft.removeFiles,
      kept: draft.kept ?? false,
    };
  });
  const entries = objects.map((o) => o.entry);
  const view: PlanView = {
    view_kind: "plan",
    schema_version: VIEW_SCHEMA_VERSION,
    revision_context: revision,
    observation,
    summary: summarize(entries),
    entries,
    notes: [...(input.notes ?? [])],
    admission: input.admission ?? null,
  };
  return { view, objects, edges };
}

function mountFacts(
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
