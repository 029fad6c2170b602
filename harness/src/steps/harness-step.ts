/**
 * Runs a `target: harness` step: its `harness_operation` through the run's `HarnessStepRunner` (the
 * fixture repository on the harness host, re-synced into the guest), never a command on the CI host.
 */
import { errorText } from "../faults.js";
import type { HarnessOperation, Step } from "../scenario/schema.js";
import type { StepResult } from "./result.js";

export interface HarnessStepRunner {
  /** Applies the operation and re-syncs the guest; returns a line for the step's stdout. */
  run(op: HarnessOperation, timeoutMs: number): Promise<string>;
}

/** One line saying what the operation does (the step's `command` in results and bundles). */
export function describeOperation(op: HarnessOperation): string {
  return op.operation === "move_ref"
    ? `harness move_ref ${op.ref} → ${op.revision}`
    : `harness add_revision ${op.revision} on ${op.ref} from repos/${op.tree}`;
}

export async function runHarnessStep(
  step: Step,
  runner: HarnessStepRunner | undefined,
  r: StepResult,
  limit: number,
): Promise<StepResult> {
  const op = step.harness_operation;
  if (op === undefined || runner === undefined) {
    return {
      ...r,
      status: "failed",
      fault: "infrastructure",
      details: op === undefined ? "no harness_operation" : "this run has no fixture repository to operate on",
    };
  }
  const t0 = Date.now();
  try {
    const stdout = await runner.run(op, limit);
    return {
      ...r,
      status: "passed",
      attempts: 1,
      exit_code: 0,
      stdout,
      duration_ms: Date.now() - t0,
      details: "done",
    };
  } catch (err) {
    return {
      ...r,
      status: "failed",
      fault: "infrastructure",
      attempts: 1,
      duration_ms: Date.now() - t0,
      details: `harness operation failed: ${errorText(err)}`,
    };
  }
}
