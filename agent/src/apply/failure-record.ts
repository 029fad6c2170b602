/**
 * The failure record an apply leaves in status.json (`last_failure`, README "Outcomes of an apply"): null
 * once converged; otherwise the diagnostics of its last attempt plus the digest of the desired tree it
 * tried and how many applies of that same content failed in a row — what quarantines that content
 * (README "Quarantine of a failed revision"). Pure.
 */
import type { DesiredState } from "../desired/model.js";
import type { Outcome } from "../model/outcome.js";
import { desiredTreeDigest } from "../state/desired-digest.js";
import { failureCount } from "../state/quarantine.js";
import type { LastFailure, Status } from "../state/status.js";
import type { ExecutionResult } from "./model.js";

export interface FailureRecordInput {
  revision: string | null;
  outcome: Outcome;
  exec: ExecutionResult;
  finishedAt: string;
  desired: DesiredState;
  prev: Status | null;
}

export function failureRecord(i: FailureRecordInput): LastFailure | null {
  if (i.outcome === "converged" || i.outcome === "converged_with_tolerated_variance" || i.revision === null)
    return null;
  const last = i.exec.convergence.attempts.at(-1);
  const digest = desiredTreeDigest(i.desired);
  return {
    revision: i.revision,
    finished_at: i.finishedAt,
    outcome: i.outcome,
    convergence_status: i.exec.convergence.status,
    signature: last?.signature ?? "",
    attempt_count: i.exec.convergence.attempt_count,
    retry_budget: i.exec.convergence.retry_budget,
    failures: last?.failures ?? [],
    desired_digest: digest,
    failure_count: failureCount(i.prev?.last_failure, digest),
  };
}

/**
 * A rollback (automatic or `apply --rollback-to`) keeps the earlier failure record, and with it the
 * quarantine of the content that failed: the snapshot it applied is known-good content, and quarantining it
 * would refuse a later revert to that same tree. A failed rollback with no earlier record records its own
 * failure without a digest: diagnostics, no quarantine.
 */
export function rollbackFailureRecord(i: FailureRecordInput): LastFailure | null {
  if (i.prev?.last_failure) return i.prev.last_failure;
  const record = failureRecord(i);
  if (record === null) return null;
  const { desired_digest: _digest, failure_count: _count, ...diagnostics } = record;
  return diagnostics;
}
