/**
 * What the executor reports (its zod schemas): the operations that ran (events), per-object results and
 * failures, the convergence verdict over attempts, stop-timeout warnings and where the time went. The
 * result view and status.json embed them.
 */
import { z } from "zod";
import { FinalStateSchema } from "./final-state.js";
import { OperationSchema } from "./operations.js";

export const ApplyEventSchema = z.object({
  sequence: z.number().int().nonnegative(),
  phase: z.enum(["execution", "convergence_check"]),
  /** Display id of the object, null for host-wide operations (daemon-reload). */
  object: z.string().nullable(),
  operation: OperationSchema,
  /** The path or unit operated on. */
  target: z.string(),
  state: z.enum(["succeeded", "failed", "skipped"]),
  attempt: z.number().int().positive(),
  detail: z.string().nullable(),
});
export type ApplyEvent = z.infer<typeof ApplyEventSchema>;

export const FailureReasonSchema = z.enum([
  "write_failed",
  "remove_failed",
  "mountpoint_invalid",
  "busy_mount",
  "not_loaded",
  "enable_failed",
  "activation_failed",
  "inactive",
  "unit_failed",
  "container_not_running",
  "restart_loop",
  "activation_timeout",
  "not_mounted",
  "file_mismatch",
  "dependency_failed",
  "unknown_owner",
  "backup_failed",
  "blocked_prerequisite",
]);
export type FailureReason = z.infer<typeof FailureReasonSchema>;

export const ObjectFailureSchema = z.object({
  object: z.string(),
  reason: FailureReasonSchema,
  detail: z.string(),
});
export type ObjectFailure = z.infer<typeof ObjectFailureSchema>;

export const ConvergenceStatusSchema = z.enum([
  "success",
  "partial",
  "blocked",
  "repeated_failure",
  "oscillation",
  "failed",
]);
export type ConvergenceStatus = z.infer<typeof ConvergenceStatusSchema>;

export const AttemptSchema = z.object({
  attempt: z.number().int().positive(),
  /** Sorted `object=reason` pairs of the failing checks; "" when everything verified. */
  signature: z.string(),
  failures: z.array(ObjectFailureSchema),
});
export type Attempt = z.infer<typeof AttemptSchema>;

export const ConvergenceSchema = z.object({
  status: ConvergenceStatusSchema,
  /** offline_root verifies files only: there is no systemd to ask (README.md "Apply, the timer agent and the single-file binary"). */
  basis: z.enum(["runtime", "files"]),
  attempt_count: z.number().int().nonnegative(),
  retry_budget: z.number().int().positive(),
  attempts: z.array(AttemptSchema),
  affected_objects: z.array(z.string()),
  can_continue: z.boolean(),
});
export type Convergence = z.infer<typeof ConvergenceSchema>;

export const ObjectResultSchema = z.object({
  object: z.string(),
  action: z.string(),
  final_state: FinalStateSchema,
  /** What actually ran for this object, in order (e.g. `write`, `restart`). */
  executed: z.array(OperationSchema),
  failure: ObjectFailureSchema.nullable(),
});
export type ObjectResult = z.infer<typeof ObjectResultSchema>;

export const StopTimeoutWarningSchema = z.object({
  kind: z.literal("stop_timeout"),
  object: z.string(),
  unit: z.string(),
  /** How long the unit's stop took (systemd's deactivating → inactive timestamps). */
  stop_ms: z.number().int().nonnegative(),
  /** The stop timeout it used up (the container's StopTimeout=, else the unit's TimeoutStopSec=). */
  timeout_ms: z.number().int().nonnegative(),
  detail: z.string(),
});
export type StopTimeoutWarning = z.infer<typeof StopTimeoutWarningSchema>;

/** Where the executor's time went, in milliseconds (wall time, summed over attempts). */
export const ExecutionDurationsSchema = z.object({
  /** Stops of removed units and of units renamed away, before any file changes. */
  stops_ms: z.number().nonnegative(),
  /** Debris removal, file writes and removals. */
  writes_ms: z.number().nonnegative(),
  daemon_reload_ms: z.number().nonnegative(),
  /** The loaded check after the reload (and the generator dry-run when a Quadlet unit is missing). */
  load_check_ms: z.number().nonnegative(),
  enable_ms: z.number().nonnegative(),
  /** start/restart of units, retries included. */
  restarts_ms: z.number().nonnegative(),
  /** Verification: the wait for activating units, the settle wait and the samples. */
  verification_ms: z.number().nonnegative(),
});
export type ExecutionDurations = z.infer<typeof ExecutionDurationsSchema>;
