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

/** An automatic rollback keeps the failure that caused it (and with it the quarantine of that content). */
export function keptFailure(prev: Status | null): LastFailure | null {
  return prev?.last_failure ?? null;
}
