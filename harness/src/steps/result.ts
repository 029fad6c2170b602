/** What running one step produced (the `step_results[]` entries of `verification_run`). */
import type { StepType } from "../scenario/schema.js";

export type StepStatus = "pending" | "passed" | "failed" | "timed_out" | "skipped";

export interface StepResult {
  step_id: string;
  step_type: StepType;
  status: StepStatus;
  details: string;
  command: string;
  exit_code: number | null;
  stdout: string;
  stderr: string;
  /** Duration of the guest command (or reboot/readiness wait) itself. */
  duration_ms: number;
  started_at: string;
  completed_at: string;
  attempts: number;
  /** Who is at fault when the step did not pass. */
  fault?: "scenario" | "infrastructure" | "timeout";
}
