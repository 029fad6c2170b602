/**
 * What the executor consumes and produces. The input is the planner's ordered entries joined with the
 * desired file bytes (built by apply/from-plan.ts); the output is the list of operations that actually ran
 * (events) and the per-object outcome — reports are built from these, never from the plan (§8: the
 * original claimed restarts that never ran).
 */
import { z } from "zod";
import type { Activation, Expectation } from "../resources/activation.js";
import type { ManagedKind } from "../resources/kinds.js";
import type { BackupEntry } from "../state/backups.js";
import type { InstallInfo } from "./ports.js";

export type PlannedAction =
  | "create"
  | "update"
  | "replace"
  | "delete"
  | "recover"
  | "restart"
  | "no_op"
  | "blocked"
  | "skipped";

export interface DesiredFile {
  /** Logical host path (not prefixed by --root). */
  path: string;
  content: Buffer;
  mode: number;
  owner: string;
  group: string;
  /** A unit, Quadlet, drop-in or companion file: changing it needs `daemon-reload`. */
  unitFile: boolean;
}

export type { Activation, Expectation } from "../resources/activation.js";

export interface ApplyObject {
  /** Display id, e.g. `container/web.container`, `config/etc/web/app.conf`. */
  id: string;
  kind: ManagedKind;
  /** Runtime systemd unit, null for rendered artifacts. */
  unit: string | null;
  /** The unit the host runs today when it differs (a Quadlet `ServiceName=` change): stopped first. */
  previousUnit: string | null;
  action: PlannedAction;
  /** Every desired file of the object (none for `delete`). */
  files: DesiredFile[];
  /** Owned files to remove (stale drop-ins, or every file of a deleted object). */
  removePaths: string[];
  /** Ids of objects this one needs (plan dependencies with relation `prerequisite`). */
  prerequisites: string[];
  /** Native units with an `[Install]` section are enabled; Quadlet units never are. */
  install: InstallInfo | null;
  activation: Activation;
  expectation: Expectation;
  /** For `via_socket`: the socket unit whose activity makes an inactive service legitimate. */
  socketUnit: string | null;
  /** For `via_automount`: the automount unit. */
  automountUnit: string | null;
  /** For a Quadlet `.container`: the Podman container its unit runs (`ContainerName=`, else `systemd-%N`). */
  containerName: string | null;
  mount: { where: string; createMountpoint: boolean } | null;
  /** True when the plan tolerated a runtime variance for this object. */
  toleratedVariance: boolean;
  /** A Quadlet `.container`: its effective StopTimeout= (Podman's default when unset), for stop-timeout warnings. */
  containerStopTimeoutMs?: number | null;
  /**
   * What planning knew about the host file at each path the object writes or removes: whether CoreOps
   * owns it (marker or inventory) and the sha256 it last wrote there. Bytes that are not provably
   * CoreOps's are saved to the backup store before they are overwritten or removed.
   */
  hostFiles: Record<string, HostFileKnowledge>;
  /** For a `blocked` object: the plan's reason (a missing prerequisite or mountpoint). */
  blockedBy: string | null;
}

export interface HostFileKnowledge {
  owned: boolean;
  /** `sha256:<hex>` of the bytes CoreOps last wrote at this path (last-applied inventory), else null. */
  appliedDigest: string | null;
}

export interface ApplyOptions {
  noReload: boolean;
  allowMassDelete: boolean;
  /** Retry budget: attempts of activation + verification (issue 4: 3). */
  retryBudget: number;
  /** Upper bound of the wait for units that are still activating, per attempt. */
  activationTimeoutMs: number;
  /** Interval between two `NRestarts` samples when looking for a restart loop. */
  settleMs: number;
  /** The unit dir, where native units live (for enablement). */
  systemdUnitDir: string;
  sleep?: (ms: number) => Promise<void>;
  /** CLOCK_MONOTONIC milliseconds (the clock of systemd's `*TimestampMonotonic`); tests script it. */
  clock?: () => number;
  /** Progress callback (the CLI renders `-v` phase progression and live progress from it). */
  onEvent?: (event: ApplyEvent) => void;
}

export const OperationSchema = z.enum([
  "backup",
  "prepare_mountpoint",
  "write",
  "remove",
  "daemon_reload",
  "check_loaded",
  "enable",
  "disable",
  "start",
  "stop",
  "reset_failed",
  "restart",
  "check_mount",
  "verify",
]);
export type Operation = z.infer<typeof OperationSchema>;

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
  /** offline_root verifies files only (DESIGN §3 "Offline root"). */
  basis: z.enum(["runtime", "files"]),
  attempt_count: z.number().int().nonnegative(),
  retry_budget: z.number().int().positive(),
  attempts: z.array(AttemptSchema),
  affected_objects: z.array(z.string()),
  can_continue: z.boolean(),
});
export type Convergence = z.infer<typeof ConvergenceSchema>;

export const FinalStateSchema = z.enum(["succeeded", "failed", "blocked", "skipped", "no_op"]);

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

export interface ExecutionResult {
  events: ApplyEvent[];
  objects: ObjectResult[];
  convergence: Convergence;
  durations: ExecutionDurations;
  /** Units whose stop (during a restart) took their whole stop timeout. */
  stopTimeouts: StopTimeoutWarning[];
  /** Host mutations performed (file writes/removals/symlinks) and systemctl calls made. */
  changed: boolean;
  /** Bytes saved to the backup store before they were overwritten or removed, in order. */
  backups: BackupEntry[];
}
