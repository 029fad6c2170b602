/**
 * The words of a decision (decide.ts): its causes, drift records and notes, as the plan, explain and the
 * result views show them. Pure; nothing here decides an action.
 */

import type { NormalizedObject } from "../resources/managed-object.js";
import { hasManagedMarker } from "../resources/marker.js";
import { ignoredDifferences } from "../resources/variance.js";
import type { InventoryObject } from "../state/status.js";
import type { Cause, Drift } from "../views/common.js";
import { type Decision, editedFiles, mountIdentityChanges, ownershipUnknown } from "./decide.js";

export interface Explanation {
  causes: Cause[];
  drift: Drift[];
  notes: string[];
}

export function cause(kind: Cause["kind"], summary: string, source: string | null = null): Cause {
  return { kind, summary, source_object: source };
}

function drift(
  category: Drift["category"],
  comparison_basis: Drift["comparison_basis"],
  auto_action: boolean,
  attention_required: boolean,
  details: string,
): Drift {
  return { category, comparison_basis, auto_action, attention_required, details };
}

const REMOVED_OUTSIDE = "the applied files were removed from the host outside CoreOps";
const CHANGED_SINCE = "changed in the desired state since the last apply";

/** A desired object that is not on the host. */
function explainMissing(dec: Decision, d: NormalizedObject, basis: Drift["comparison_basis"]): Explanation {
  if (dec.reason === "applied_files_missing")
    return {
      causes: [
        cause("drift", REMOVED_OUTSIDE),
        cause("recovery_required", "rewrite the object from the desired state"),
      ],
      drift: [
        drift(
          "external_drift",
          basis,
          true,
          true,
          `${d.files.map((f) => f.path).join(", ")} missing on the host although it was applied`,
        ),
      ],
      notes: [],
    };
  const again = dec.reason === "changed_and_missing";
  return {
    causes: [
      cause(
        "desired_change",
        again ? "changed in the desired state and missing on the host" : "new in the desired state",
      ),
      ...(again ? [cause("drift", REMOVED_OUTSIDE)] : []),
    ],
    drift: [drift("expected_change", basis, true, false, "not present on the host")],
    notes: [],
  };
}

/** A desired object whose material content matches the host. */
function explainMatching(
  dec: Decision,
  d: NormalizedObject,
  o: NormalizedObject,
  a: InventoryObject | null,
  basis: Drift["comparison_basis"],
): Explanation {
  const out: Explanation = { causes: [], drift: [], notes: [] };
  for (const r of ignoredDifferences(d, o)) {
    out.causes.push(cause("runtime_variance", r));
    out.drift.push(drift("runtime_variance", basis, false, false, r));
  }
  const unmarked = o.files.filter(
    (f) => !f.owned && d.files.some((df) => df.path === f.path && hasManagedMarker(df.bytes)),
  );
  if (unmarked.length > 0)
    out.notes.push(
      `${unmarked.map((f) => f.path).join(", ")} matches but is not marked as managed; CoreOps takes ownership when it next writes it`,
    );
  if (dec.reason === "unit_stopped") {
    out.causes.unshift(
      cause("recovery_required", `unit ${d.unit} was stopped outside CoreOps; apply starts it`),
    );
    out.drift.push(
      drift(
        "external_drift",
        "runtime_verification",
        true,
        true,
        `systemd reports ${d.unit} as inactive although it should run`,
      ),
    );
  } else if (dec.reason === "unit_failed") {
    out.causes.unshift(cause("recovery_required", `unit ${d.unit} is failed; apply restarts it`));
    out.drift.push(
      drift("external_drift", "runtime_verification", true, true, `systemd reports ${d.unit} as failed`),
    );
  } else if (out.causes.length === 0) {
    const desiredChanged = a !== null && a.digest !== d.digest;
    out.causes.push(
      cause(
        "no_change",
        desiredChanged ? "the host already matches the new desired state" : "matches the desired state",
      ),
    );
  }
  return out;
}

/**
 * A desired object whose material content differs from the host. One case per difference reason, a few
 * lines each: kept as one switch (over 60 lines) so the reasons read side by side.
 */
// size: the cases (or inline methods) share one scope and read side by side; splitting scatters them
function explainDifference(
  dec: Decision,
  d: NormalizedObject,
  o: NormalizedObject,
  hasState: boolean,
): Explanation {
  const out: Explanation = { causes: [], drift: [], notes: [] };
  switch (dec.reason) {
    case "not_owned":
      out.causes.push(
        cause(
          "replacement_required",
          `${o.files.map((f) => f.path).join(", ")} exists on the host but was not written by CoreOps; apply replaces it and takes ownership`,
        ),
      );
      out.drift.push(
        drift(
          "external_drift",
          hasState ? "three_way" : "two_way",
          true,
          true,
          "unmanaged file at a managed path differs from the desired state",
        ),
      );
      break;
    case "unrecorded_difference":
      out.causes.push(
        cause(
          "desired_change",
          "differs from the desired state (no last-applied record to tell a change from drift)",
        ),
      );
      if (ownershipUnknown(d, hasState))
        out.notes.push(
          "without a last-applied record CoreOps cannot tell whether it wrote this file; apply overwrites it",
        );
      out.drift.push(drift("expected_change", "two_way", true, false, "host differs from desired"));
      break;
    case "desired_changed":
      out.causes.push(cause("desired_change", CHANGED_SINCE));
      out.drift.push(
        drift(
          "expected_change",
          "three_way",
          true,
          false,
          "host matches the last applied revision; desired moved",
        ),
      );
      break;
    default: {
      const both = dec.reason === "both_changed";
      if (both) out.causes.push(cause("desired_change", CHANGED_SINCE));
      out.causes.push(cause("drift", "the host copy was changed outside CoreOps since the last apply"));
      out.drift.push(
        drift(
          "external_drift",
          "three_way",
          true,
          true,
          both
            ? "both the desired state and the host changed since the last apply; desired wins"
            : "the host differs from the last applied revision; apply restores it",
        ),
      );
    }
  }
  out.causes.push(...replacementCauses(dec, d, o));
  return out;
}

/** Why an `update` became a `replace`. */
function replacementCauses(dec: Decision, d: NormalizedObject, o: NormalizedObject): Cause[] {
  const causes: Cause[] = [];
  if (dec.replacements.includes("unit_renamed"))
    causes.push(cause("replacement_required", `the generated unit changes from ${o.unit} to ${d.unit}`));
  if (dec.replacements.includes("mount_identity_changed")) {
    const m = mountIdentityChanges(d, o)
      .map((k) => `[Mount] ${k}=`)
      .join(", ");
    causes.push(cause("replacement_required", `${m} changed: the mount is unmounted and mounted again`));
  }
  return causes;
}

/** The explanation of a desired object's decision. */
export function explainDesired(
  dec: Decision,
  d: NormalizedObject,
  o: NormalizedObject | null,
  a: InventoryObject | null,
  hasState: boolean,
): Explanation {
  const basis = hasState ? "three_way" : "two_way";
  if (!o) return explainMissing(dec, d, basis);
  if (o.material === d.material) return explainMatching(dec, d, o, a, basis);
  return explainDifference(dec, d, o, hasState);
}

/** The explanation of a no-longer-desired object's decision. */
export function explainUndesired(
  dec: Decision,
  o: NormalizedObject | null,
  a: InventoryObject | null,
): Explanation {
  const edited = editedFiles(o, a);
  switch (dec.reason) {
    case "edited_on_host":
      return {
        causes: [
          cause(
            "drift",
            `edited on the host since the last apply (${edited.join(", ")}): kept, not deleted; pass --delete-edited to delete it`,
          ),
        ],
        drift: [
          drift(
            "external_drift",
            "three_way",
            false,
            true,
            "removed from the desired state, but the host copy was edited since the last apply",
          ),
        ],
        notes: [
          o?.unit
            ? `its unit ${o.unit} is left as it is: not stopped, not disabled, its files stay in place`
            : "a rendered file has no unit of its own; units that used it change as planned",
        ],
      };
    case "already_absent":
      return {
        causes: [cause("drift", "removed from the desired state and already absent from the host")],
        drift: [
          drift(
            "external_drift",
            "three_way",
            false,
            false,
            "applied files were already removed outside CoreOps; nothing to delete",
          ),
        ],
        notes: [],
      };
    default:
      return explainDelete(dec, o, edited);
  }
}

/** A delete: the inventory's object removed from desired, or stale residue only the marker claims. */
function explainDelete(dec: Decision, o: NormalizedObject | null, edited: string[]): Explanation {
  const notes: string[] = [];
  if (edited.length > 0)
    notes.push(
      `edited on the host since the last apply (${edited.join(", ")}); --delete-edited: deleted, the edited bytes are saved to the backup store first`,
    );
  const foreign = o ? o.files.filter((f) => !f.owned).map((f) => f.path) : [];
  if (foreign.length > 0) notes.push(`left in place (not owned by CoreOps): ${foreign.join(", ")}`);
  return dec.reason === "removed_from_desired"
    ? {
        causes: [cause("desired_change", "removed from the desired state")],
        drift: [drift("expected_change", "three_way", true, false, "no longer desired")],
        notes,
      }
    : {
        causes: [
          cause(
            "drift",
            "marked '# Managed by CoreOps' on the host but neither desired nor in the last applied inventory",
          ),
        ],
        drift: [drift("stale_residue", "two_way", true, false, "stale managed residue")],
        notes,
      };
}
