/**
 * What the plan does to one object, and why, as data (pure): an action and a reason from a closed set.
 * The words — causes, drift records, notes — are reasons.ts's; apply and the outcome read decisions,
 * never explanation text. The rules are listed in compute-plan.ts's header.
 */
import { z } from "zod";
import { sha256 } from "../digest.js";
import type { Action } from "../model/actions.js";
import type { NormalizedObject } from "../resources/managed-object.js";
import { ignoredDifferences } from "../resources/variance.js";
import type { InventoryObject } from "../state/status.js";

export const ReasonSchema = z.enum([
  // desired, not on the host
  "new", // create: no last-applied record
  "changed_and_missing", // create: the record exists, desired moved, the files are gone
  "applied_files_missing", // recover: the record exists, desired did not move, the files are gone
  // desired, on the host, material equal
  "matches", // no_op
  "unit_stopped", // recover: a unit that should run is inactive
  "unit_failed", // recover: systemd reports the unit failed
  // desired, on the host, material differs
  "not_owned", // replace: not written by CoreOps; apply takes it over
  "unrecorded_difference", // update: no last-applied record tells change from drift
  "desired_changed", // update: the host still matches the last apply
  "host_changed", // update: the host moved, desired did not
  "both_changed", // update: both moved; desired wins
  // not desired
  "edited_on_host", // skipped and kept: edited since the last apply (no --delete-edited)
  "already_absent", // skipped: in the inventory, gone from the host
  "removed_from_desired", // delete: in the inventory
  "stale_residue", // delete: only the marker claims it
  // propagation
  "missing_reference", // blocked: a referenced file exists neither in desired nor on the host
  "missing_mountpoint", // blocked: CreateMountpoint=false and no mountpoint
  "prerequisite_blocked", // blocked: a prerequisite is blocked
  "prerequisite_changed", // restart: a binding prerequisite changes
]);
export type Reason = z.infer<typeof ReasonSchema>;

/** Why an `update` became a `replace`: the generated unit is renamed, or the mount's identity changes. */
export type Replacement = "unit_renamed" | "mount_identity_changed";

export interface Decision {
  action: Action;
  reason: Reason;
  replacements: Replacement[];
  /** The plan tolerated a byte-level or runtime variance (reported, not acted upon). */
  toleratedVariance: boolean;
  /** For `blocked`: what blocks it (a missing reference, mountpoint or blocked prerequisite). */
  blocker?: string;
}

export type RuntimeFinding = "failed" | "stopped" | null;

function decision(action: Action, reason: Reason, toleratedVariance = false): Decision {
  return { action, reason, replacements: [], toleratedVariance };
}

/** Rendered /etc files carry no marker: without state their ownership is unknown, not foreign. */
export function ownershipUnknown(d: NormalizedObject, hasState: boolean): boolean {
  return !hasState && d.kind === "rendered_artifact" && d.files.every((f) => f.role === "config");
}

/** `[Mount] What=/Where=/Type=` that differ (a mount is unmounted and mounted again), else empty. */
export function mountIdentityChanges(d: NormalizedObject, o: NormalizedObject): string[] {
  if (d.kind !== "mount" || !d.mount || !o.mount) return [];
  const changed: string[] = [];
  if (d.mount.what !== o.mount.what) changed.push("What");
  if (d.mount.where !== o.mount.where) changed.push("Where");
  if (d.mount.type !== o.mount.type) changed.push("Type");
  return changed;
}

function decideMaterialDifference(
  d: NormalizedObject,
  o: NormalizedObject,
  a: InventoryObject | null,
  hasState: boolean,
): Decision {
  const owned = ownershipUnknown(d, hasState) || o.files.some((f) => f.owned);
  if (!owned) return decision("replace", "not_owned");
  const desiredChanged = a !== null && a.digest !== d.digest;
  const dec = !a
    ? decision("update", "unrecorded_difference")
    : a.digest === o.digest
      ? decision("update", "desired_changed")
      : decision("update", desiredChanged ? "both_changed" : "host_changed");
  if (d.unit !== o.unit && d.kind === "quadlet_resource") dec.replacements.push("unit_renamed");
  if (mountIdentityChanges(d, o).length > 0) dec.replacements.push("mount_identity_changed");
  if (dec.replacements.length > 0) dec.action = "replace";
  return dec;
}

/** A desired object against what the host has (`o`) and what was last applied (`a`). */
export function decideDesired(
  d: NormalizedObject,
  o: NormalizedObject | null,
  a: InventoryObject | null,
  hasState: boolean,
  runtime: RuntimeFinding,
): Decision {
  const desiredChanged = a !== null && a.digest !== d.digest;
  if (!o) {
    if (a && !desiredChanged) return decision("recover", "applied_files_missing");
    return decision("create", a ? "changed_and_missing" : "new");
  }
  if (o.material !== d.material) return decideMaterialDifference(d, o, a, hasState);
  const variance = ignoredDifferences(d, o).length > 0;
  if (runtime === "stopped") return decision("recover", "unit_stopped", variance);
  if (runtime === "failed") return decision("recover", "unit_failed", variance);
  return decision("no_op", "matches", variance);
}

/** Owned host files whose bytes differ from what CoreOps last wrote there (per the inventory). */
export function editedFiles(o: NormalizedObject | null, a: InventoryObject | null): string[] {
  if (!o || !a) return [];
  const applied = new Map(a.files.map((f) => [f.path, f.digest]));
  return o.files
    .filter((f) => f.owned && applied.has(f.path) && applied.get(f.path) !== sha256(f.bytes))
    .map((f) => f.path);
}

/** An object no longer desired; null when there is nothing to plan (neither owned on the host nor applied). */
export function decideUndesired(
  o: NormalizedObject | null,
  a: InventoryObject | null,
  deleteEdited: boolean,
): Decision | null {
  if (editedFiles(o, a).length > 0 && !deleteEdited) return decision("skipped", "edited_on_host");
  const owned = o ? o.files.some((f) => f.owned) : false;
  if (!owned) return a ? decision("skipped", "already_absent") : null;
  return decision("delete", a ? "removed_from_desired" : "stale_residue");
}
