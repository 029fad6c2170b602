/**
 * Admission: may the commit the tracked ref resolves to be applied, given a rollback hold and a
 * quarantine of failed content? The one decision `plan`, `apply`, `agent` and `status` share (README
 * "Rollback and the hold", "Quarantine of a failed revision"). Pure: the caller passes the clock.
 *
 * A hold names the commit the tracked ref resolved to when the rollback was applied (`rolled_back_from`).
 * While the ref still resolves to that commit — whether or not it ever converged — the answer is `held`;
 * once it resolves to a different commit the hold is `released` (the next apply drops it); `init --force`
 * removes it. A hold that names no commit (written by an older controller) holds until `init --force`.
 * A rollback itself is not admitted through here: it applies a retained snapshot, not the tracked ref.
 *
 * Without a hold, a failure record carrying the digest of the desired tree it tried quarantines that
 * content (state/quarantine.ts): `quarantined` while the resolved content has that digest, unless the
 * operator retries (`apply --retry-failed`) or, with the `backoff` policy, the backoff has passed.
 */
import { z } from "zod";
import {
  backoffElapsed,
  coversContent,
  type Quarantine,
  QuarantineSchema,
  quarantineOf,
  type RetryPolicy,
} from "./quarantine.js";
import type { Status } from "./status.js";

export const AdmissionSchema = z.object({
  decision: z.enum(["go", "held", "released", "quarantined"]),
  /** The commit the tracked ref resolves to (for `status`: the last observed one). */
  resolved_revision: z.string().nullable(),
  /** The held commit, when there is a hold. */
  rolled_back_from: z.string().nullable(),
  /** When the hold began (RFC 3339), when there is a hold. */
  since: z.string().nullable(),
  /** One line for operators: what is decided and why. */
  message: z.string(),
  /** How to release a hold or a quarantine (null when nothing is held or quarantined). */
  release_hint: z.string().nullable(),
  /**
   * The quarantine recorded by the last failed apply, whether or not it covers the resolved content
   * (`decision` says whether it does). Absent from older agents' output.
   */
  quarantine: QuarantineSchema.nullable().optional(),
});
export type Admission = z.infer<typeof AdmissionSchema>;

/** What besides the state decides: the resolved content, the clock and the retry policy. */
export interface AdmissionContext {
  /** Digest of the desired tree the resolved commit produces for this host; null when unknown (status). */
  contentDigest?: string | null;
  now?: Date;
  /** `CORE_OPS_RETRY_FAILED` (default backoff). */
  retryPolicy?: RetryPolicy;
  /** `apply --retry-failed`: the operator releases the quarantine for this run. */
  retryFailed?: boolean;
}

const short = (rev: string | null) => (rev ? rev.slice(0, 8) : "an unknown commit");

export function admit(status: Status | null, resolved: string | null, ctx: AdmissionContext = {}): Admission {
  const hold = status?.hold;
  const quarantine = quarantineOf(status?.last_failure, ctx.retryPolicy ?? "backoff");
  const none: Admission = {
    decision: "go",
    resolved_revision: resolved,
    rolled_back_from: null,
    since: null,
    message: "no rollback hold",
    release_hint: null,
    quarantine,
  };
  if (!hold?.held) return quarantined(status, resolved, quarantine, ctx) ?? none;
  const tracking = status?.desired_state ?? null;
  const ref = tracking?.requested_ref ?? "the tracked ref";
  const from = hold.rolled_back_from;
  if (from !== null && resolved !== null && resolved !== from) {
    const q = quarantined(status, resolved, quarantine, ctx);
    if (q?.decision === "quarantined") return q;
    return {
      ...none,
      decision: "released",
      rolled_back_from: from,
      since: hold.since,
      message: `hold released: ${ref} moved from ${short(from)} (rolled back from on ${hold.since}) to ${short(resolved)}`,
    };
  }
  return {
    decision: "held",
    resolved_revision: resolved,
    rolled_back_from: from,
    since: hold.since,
    message: `HELD since ${hold.since}: ${ref} resolves to ${short(from ?? resolved)}, which was rolled back from; it is not applied (${hold.reason})`,
    release_hint: tracking
      ? `move ${tracking.requested_ref} to another commit, or re-attach deliberately with: core-ops init ${tracking.repository} ${tracking.requested_ref} --force`
      : "re-attach with: core-ops init <repository> <ref> --force",
    quarantine,
  };
}

/** The quarantine part of the decision; null when no quarantine covers the resolved content. */
function quarantined(
  status: Status | null,
  resolved: string | null,
  q: Quarantine | null,
  ctx: AdmissionContext,
): Admission | null {
  if (!q || !coversContent(q, ctx.contentDigest ?? null, resolved)) return null;
  const base = {
    resolved_revision: resolved,
    rolled_back_from: null,
    since: null,
    release_hint: null,
    quarantine: q,
  };
  const what = `the content of ${short(resolved)} (${q.desired_digest.slice(0, 19)}) ended ${q.outcome} at ${q.failed_at} when applied as ${short(q.revision)}`;
  if (ctx.retryFailed)
    return { ...base, decision: "go", message: `retrying quarantined content (--retry-failed): ${what}` };
  const now = ctx.now ?? new Date();
  if (backoffElapsed(q, now))
    return {
      ...base,
      decision: "go",
      message: `retrying quarantined content after backoff (failure ${q.failure_count}, retry due ${q.next_retry_at}): ${what}`,
    };
  const tracking = status?.desired_state ?? null;
  const when =
    q.retry_policy === "never"
      ? "no automatic retry (CORE_OPS_RETRY_FAILED=never)"
      : `next automatic retry after ${q.next_retry_at}`;
  return {
    ...base,
    decision: "quarantined",
    message: `QUARANTINED: ${what}; it is not applied again (${when})`,
    release_hint: `push a fix so ${tracking?.requested_ref ?? "the tracked ref"} resolves to different content, retry once with: core-ops apply --retry-failed, or re-attach with: core-ops init ${tracking ? `${tracking.repository} ${tracking.requested_ref}` : "<repository> <ref>"} --force`,
  };
}
