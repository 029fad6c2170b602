/** The `rollback` member of the agent's journal line (README "Automatic rollback"). */
import type { AutoRollback } from "../apply/auto-rollback.js";

export interface AgentRollbackSummary {
  /** The revision rolled back to (null when skipped). */
  revision: string | null;
  /** The rollback apply's outcome, or `skipped`. */
  outcome: string;
  /** The hold it left (null: none), or why it was skipped. */
  reason: string;
}

export function rollbackSummary(rb: AutoRollback): AgentRollbackSummary {
  if (rb.kind === "skipped") return { revision: null, outcome: "skipped", reason: rb.reason };
  const v = rb.result.view;
  return {
    revision: rb.revision,
    outcome: v.outcome,
    reason: v.state.hold ?? `rollback to ${rb.revision.slice(0, 8)} ended ${v.outcome}; ${v.summary.message}`,
  };
}
