/**
 * The admission gate of one apply (README "Rollback and the hold", "Quarantine of a failed revision"):
 * the one `admit` decision, turned into a typed refusal before anything is planned or touched.
 * A rollback applies a retained snapshot, not the tracked ref: it is not subject to hold or quarantine.
 */
import type { DesiredState } from "../desired/model.js";
import { CoreOpsError } from "../errors.js";
import { type Admission, type AdmissionContext, admit } from "../state/admission.js";
import { desiredTreeDigest } from "../state/desired-digest.js";
import type { Status } from "../state/status.js";

export interface AdmitApplyRequest {
  desired: DesiredState;
  stateMode: "stateless" | "tracked";
  status: Status | null;
  rollback: unknown | null;
  /** Retry policy, `--retry-failed`, clock. */
  admission?: Omit<AdmissionContext, "contentDigest">;
}

/** The admission of a tracked, non-rollback apply (null otherwise); throws `held` / `quarantined`. */
export function admitApply(req: AdmitApplyRequest): Admission | null {
  if (req.rollback !== null || req.stateMode !== "tracked") return null;
  const admission = admit(req.status, req.desired.source.revision, {
    ...req.admission,
    contentDigest: desiredTreeDigest(req.desired),
  });
  if (admission.decision === "held" || admission.decision === "quarantined")
    throw new CoreOpsError(admission.message, {
      code: admission.decision,
      ...(admission.release_hint ? { hint: admission.release_hint } : {}),
    });
  return admission;
}
