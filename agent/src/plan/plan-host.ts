/**
 * The planner's entry point: desired state + state + host observer → Plan. Effects are limited to what
 * the given `HostObserver` does (reads, and `systemctl show` when systemd runs); nothing is written.
 */
import type { DesiredState } from "../desired/model.js";
import { narrowModesToHost } from "../resources/file-modes.js";
import { desiredObjects, type ManagedDirs } from "../resources/from-desired.js";
import { type Admission, type AdmissionContext, admit } from "../state/admission.js";
import { desiredTreeDigest } from "../state/desired-digest.js";
import type { Status } from "../state/status.js";
import type { RevisionContext } from "../views/common.js";
import type { Observation } from "../views/plan-view.js";
import { computePlan, type Plan } from "./compute-plan.js";
import type { HostObserver } from "./host-observer.js";
import { observeHost } from "./observe.js";

export interface PlanRequest {
  desired: DesiredState;
  dirs: ManagedDirs;
  observer: HostObserver;
  /** `stateless`: --source-repo (no state read); `tracked`: status.json was read (may be null = none). */
  stateMode: "stateless" | "tracked";
  status: Status | null;
  /** Overrides the revision context's source kind (explain from state). */
  sourceKind?: RevisionContext["source_kind"];
  notes?: string[];
  /** Delete no-longer-desired objects even when edited on the host (`--delete-edited`). */
  deleteEdited?: boolean;
  /** The desired state is a retained snapshot (`--rollback-to`): the hold does not apply to it. */
  rollback?: boolean;
  /** Retry policy of quarantined content and clock, as the apply would see them (state/admission.ts). */
  admission?: Pick<AdmissionContext, "retryPolicy" | "now">;
}

/** The admission the plan shows: the one `admit` decision for the tracked ref's content. */
function planAdmission(req: PlanRequest): Admission | null {
  if (req.stateMode !== "tracked" || req.rollback) return null;
  return admit(req.status, req.desired.source.revision, {
    ...req.admission,
    contentDigest: desiredTreeDigest(req.desired),
  });
}

export function revisionContext(
  req: Pick<PlanRequest, "desired" | "status" | "sourceKind">,
): RevisionContext {
  const s = req.desired.source;
  return {
    host: req.desired.host,
    source_kind: req.sourceKind ?? s.kind,
    target_revision: s.revision,
    requested_repository: s.repository,
    requested_ref: s.requestedRef,
    last_applied_revision: req.status?.reconciliation.last_applied_revision ?? null,
  };
}

export async function planHost(req: PlanRequest): Promise<Plan> {
  const declared = desiredObjects(req.desired, req.dirs);
  const hasInventory =
    req.stateMode === "tracked" &&
    req.status !== null &&
    req.status.reconciliation.last_applied_revision !== null;
  const inventory = hasInventory && req.status ? req.status.inventory : null;
  const observed = await observeHost(req.observer, req.dirs, declared, inventory ?? []);
  const desired = narrowModesToHost(declared, observed.objects);
  const observation: Observation = {
    mode: req.observer.mode,
    root: req.observer.root,
    quadlet_dir: req.dirs.quadletDir,
    systemd_unit_dir: req.dirs.unitDir,
    state: req.stateMode === "stateless" ? "stateless" : hasInventory ? "tracked" : "no_state",
    systemd_running: req.observer.systemd.running,
    runtime_state: req.observer.systemd.running ? "observed" : "not_observed",
    note: req.observer.systemd.note,
  };
  const notes = [...(req.notes ?? [])];
  const admission = planAdmission(req);
  if (admission?.decision === "held" || admission?.decision === "quarantined")
    notes.push(
      `${admission.message}; this plan shows what releasing it would apply. To release: ${admission.release_hint}`,
    );
  else if (admission?.decision === "released") notes.push(admission.message);
  if (!hasInventory)
    notes.push(
      req.stateMode === "stateless"
        ? "stateless plan (--source-repo): no last-applied record is read; only files marked '# Managed by CoreOps' can be deleted"
        : "no last-applied inventory yet: changes are compared two-way; only files marked '# Managed by CoreOps' can be deleted",
    );
  return computePlan({
    desired,
    observed,
    inventory,
    revision: revisionContext(req),
    observation,
    notes,
    deleteEdited: req.deleteEdited ?? false,
    admission,
  });
}
