/**
 * Admission: may the commit the tracked ref resolves to be applied, given a rollback hold? The one
 * decision `plan`, `apply`, `agent` and `status` share (README "Rollback and the hold"). Pure.
 *
 * A hold names the commit the tracked ref resolved to when the rollback was applied (`rolled_back_from`).
 * While the ref still resolves to that commit — whether or not it ever converged — the answer is `held`;
 * once it resolves to a different commit the hold is `released` (the next apply drops it); `init --force`
 * removes it. A hold that names no commit (written by an older controller) holds until `init --force`.
 * A rollback itself is not admitted through here: it applies a retained snapshot, not the tracked ref.
 */
import { z } from "zod";
import type { Status } from "./status.js";

export const AdmissionSchema = z.object({
  decision: z.enum(["go", "held", "released"]),
  /** The commit the tracked ref resolves to (for `status`: the last observed one). */
  resolved_revision: z.string().nullable(),
  /** The held commit, when there is a hold. */
  rolled_back_from: z.string().nullable(),
  /** When the hold began (RFC 3339), when there is a hold. */
  since: z.string().nullable(),
  /** One line for operators: what is decided and why. */
  message: z.string(),
  /** How to release a hold (null when nothing is held). */
  release_hint: z.string().nullable(),
});
export type Admission = z.infer<typeof AdmissionSchema>;

const short = (rev: string | null) => (rev ? rev.slice(0, 8) : "an unknown commit");

export function admit(status: Status | null, resolved: string | null): Admission {
  const hold = status?.hold;
  const none: Admission = {
    decision: "go",
    resolved_revision: resolved,
    rolled_back_from: null,
    since: null,
    message: "no rollback hold",
    release_hint: null,
  };
  if (!hold?.held) return none;
  const tracking = status?.desired_state ?? null;
  const ref = tracking?.requested_ref ?? "the tracked ref";
  const from = hold.rolled_back_from;
  if (from !== null && resolved !== null && resolved !== from)
    return {
      ...none,
      decision: "released",
      rolled_back_from: from,
      since: hold.since,
      message: `hold released: ${ref} moved from ${short(from)} (rolled back from on ${hold.since}) to ${short(resolved)}`,
    };
  return {
    decision: "held",
    resolved_revision: resolved,
    rolled_back_from: from,
    since: hold.since,
    message: `HELD since ${hold.since}: ${ref} resolves to ${short(from ?? resolved)}, which was rolled back from; it is not applied (${hold.reason})`,
    release_hint: tracking
      ? `move ${tracking.requested_ref} to another commit, or re-attach deliberately with: core-ops init ${tracking.repository} ${tracking.requested_ref} --force`
      : "re-attach with: core-ops init <repository> <ref> --force",
  };
}
