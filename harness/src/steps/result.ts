/** What running one step produced (the `step_results[]` entries of `verification_run`). */
import { z } from "zod";
import { StepTypeSchema } from "../scenario/schema.js";

export const StepStatusSchema = z.enum(["pending", "passed", "failed", "timed_out", "skipped"]);
export type StepStatus = z.infer<typeof StepStatusSchema>;

export const StepResultSchema = z.strictObject({
  step_id: z.string(),
  step_type: StepTypeSchema,
  status: StepStatusSchema,
  details: z.string(),
  command: z.string(),
  exit_code: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  /** Duration of the guest command (or reboot/readiness wait) itself. */
  duration_ms: z.number(),
  started_at: z.string(),
  completed_at: z.string(),
  attempts: z.number().int(),
  /** Who is at fault when the step did not pass. */
  fault: z.enum(["scenario", "infrastructure", "timeout"]).optional(),
});
export type StepResult = z.infer<typeof StepResultSchema>;
