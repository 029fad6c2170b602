/**
 * Quarantine of failed content (README "Quarantine of a failed revision"): after an apply ends
 * `non_converging` or `failed`, the desired tree it tried (its digest, recorded in `last_failure`) is not
 * applied again by `agent` or `apply` — until the tracked ref resolves to different content, an operator
 * passes `apply --retry-failed` or re-attaches with `init --force`, or (policy `backoff`) the backoff since
 * the recorded failure has passed. Pure: the caller passes the clock.
 *
 * Backoff: 15 min after the first failure of that content, doubling with every further failure of the same
 * content, capped at 6 h, plus a jitter of up to 10 % of the delay taken from a hash of the content digest
 * and failure count (reproducible per host and content, spread across a fleet).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { CoreOpsError, ExitCode } from "../errors.js";
import type { LastFailure } from "./status.js";

export const RetryPolicySchema = z.enum(["never", "backoff"]);
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

export const BACKOFF_FIRST_MS = 15 * 60_000;
export const BACKOFF_CAP_MS = 6 * 60 * 60_000;
export const BACKOFF_JITTER = 0.1;

/** Outcomes that quarantine the content they tried. */
const QUARANTINING: ReadonlySet<LastFailure["outcome"]> = new Set(["non_converging", "failed"]);

export const QuarantineSchema = z.object({
  /** The commit whose apply failed, and the digest of the desired tree it produced for this host. */
  revision: z.string(),
  desired_digest: z.string(),
  outcome: z.string(),
  failed_at: z.string(),
  /** Consecutive failed applies of this same content. */
  failure_count: z.number().int().positive(),
  retry_policy: RetryPolicySchema,
  /** When the backoff lets the next run retry (RFC 3339); null with policy `never`. */
  next_retry_at: z.string().nullable(),
});
export type Quarantine = z.infer<typeof QuarantineSchema>;

/** `CORE_OPS_RETRY_FAILED`: `never` or `backoff` (default). Anything else is a usage error naming it. */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  const raw = env.CORE_OPS_RETRY_FAILED?.trim();
  if (raw === undefined || raw === "") return "backoff";
  const parsed = RetryPolicySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new CoreOpsError(`CORE_OPS_RETRY_FAILED must be 'never' or 'backoff', got '${raw}'`, {
    code: "retry_policy_invalid",
    field: "CORE_OPS_RETRY_FAILED",
    exitCode: ExitCode.usage,
    hint: "unset it for the default (backoff: 15 min, doubling, capped at 6 h), or set never",
  });
}

/** The backoff delay after the n-th failure of the same content (n ≥ 1), jitter included. */
export function backoffDelayMs(failureCount: number, digest: string): number {
  const base = Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(0, failureCount - 1), BACKOFF_CAP_MS);
  const h = createHash("sha256").update(`${digest}#${failureCount}`).digest();
  const fraction = h.readUInt32BE(0) / 0x1_0000_0000;
  return base + Math.floor(base * BACKOFF_JITTER * fraction);
}

const rfc3339 = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The quarantine a failure record sets up, or null (converged, partial, or recorded without a digest). */
export function quarantineOf(lf: LastFailure | null | undefined, policy: RetryPolicy): Quarantine | null {
  if (!lf?.desired_digest || !QUARANTINING.has(lf.outcome)) return null;
  const count = lf.failure_count ?? 1;
  const failedAt = Date.parse(lf.finished_at);
  return {
    revision: lf.revision,
    desired_digest: lf.desired_digest,
    outcome: lf.outcome,
    failed_at: lf.finished_at,
    failure_count: count,
    retry_policy: policy,
    next_retry_at: policy === "backoff" ? rfc3339(failedAt + backoffDelayMs(count, lf.desired_digest)) : null,
  };
}

/** Does the resolved content fall under the quarantine? Unknown content: the same commit does. */
export function coversContent(q: Quarantine, digest: string | null, revision: string | null): boolean {
  return digest !== null ? digest === q.desired_digest : revision === q.revision;
}

/** Whether the backoff of a quarantine has passed at `now`. */
export function backoffElapsed(q: Quarantine, now: Date): boolean {
  return q.next_retry_at !== null && now.getTime() >= Date.parse(q.next_retry_at);
}

/** The digest and consecutive-failure count a new failure record carries. */
export function failureCount(prev: LastFailure | null | undefined, digest: string): number {
  return prev?.desired_digest === digest ? (prev.failure_count ?? 1) + 1 : 1;
}
