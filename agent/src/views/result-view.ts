/**
 * The `result` view model (`core-ops apply --json`): the outcome of one apply,
 * built from what actually executed — the per-object final states come from the executor's events, the
 * planned action and causes from the plan, never the other way round.
 */
import { z } from "zod";
import { ActionSchema } from "../model/actions.js";
import {
  ApplyEventSchema,
  ConvergenceSchema,
  ExecutionDurationsSchema,
  ObjectFailureSchema,
  StopTimeoutWarningSchema,
} from "../model/execution.js";
import { FinalStateSchema } from "../model/final-state.js";
import { OperationSchema } from "../model/operations.js";
import { OutcomeSchema } from "../model/outcome.js";
import { PhaseEventSchema } from "../model/phases.js";
import { BackupEntrySchema } from "../state/backups.js";
import { CauseSchema, ObjectRefSchema, RevisionContextSchema, VIEW_SCHEMA_VERSION } from "./common.js";
import { ObservationSchema } from "./plan-view.js";

/**
 * Where one apply's time went, in milliseconds: the process start-up, resolving the source (git fetch,
 * reading the repository), planning (observation included), the executor's phases, recording state, and
 * the total from process start. `-v` prints them.
 */
export const ApplyDurationsSchema = z.object({
  startup_ms: z.number().nonnegative(),
  resolution_ms: z.number().nonnegative(),
  planning_ms: z.number().nonnegative(),
  ...ExecutionDurationsSchema.shape,
  recording_ms: z.number().nonnegative(),
  total_ms: z.number().nonnegative(),
});
export type ApplyDurations = z.infer<typeof ApplyDurationsSchema>;

export const ResultEntrySchema = z.object({
  object: ObjectRefSchema,
  /** The planned action. */
  action: ActionSchema,
  final_state: FinalStateSchema,
  causes: z.array(CauseSchema),
  /** Operations that ran for this object, in order. */
  executed: z.array(OperationSchema),
  failure: ObjectFailureSchema.nullable(),
});
export type ResultEntry = z.infer<typeof ResultEntrySchema>;

export const ResultViewSchema = z.object({
  view_kind: z.literal("result"),
  schema_version: z.literal(VIEW_SCHEMA_VERSION),
  revision_context: RevisionContextSchema,
  observation: ObservationSchema,
  /** `apply` (the tracked or given source), `rollback` (a retained snapshot as desired). */
  mode: z.enum(["apply", "rollback"]),
  outcome: OutcomeSchema,
  summary: z.object({
    changed_count: z.number().int().nonnegative(),
    failed_count: z.number().int().nonnegative(),
    blocked_count: z.number().int().nonnegative(),
    skipped_count: z.number().int().nonnegative(),
    unchanged_count: z.number().int().nonnegative(),
    /** Files written or removed and systemctl calls that changed something, as executed. */
    writes: z.number().int().nonnegative(),
    /** systemctl invocations of this run (always 0 with --root). */
    systemctl_calls: z.number().int().nonnegative(),
    message: z.string(),
  }),
  convergence: ConvergenceSchema,
  /** Whether state was recorded, and what `last_applied_revision` is after this run. */
  state: z.object({
    recorded: z.boolean(),
    last_applied_revision: z.string().nullable(),
    hold: z.string().nullable(),
  }),
  phases: z.array(PhaseEventSchema),
  /** Per-phase wall time of this run (absent in views written before it existed). */
  durations: ApplyDurationsSchema.optional(),
  /** Things that worked but cost the operator: a unit whose stop took its whole stop timeout. */
  warnings: z.array(StopTimeoutWarningSchema).optional(),
  events: z.array(ApplyEventSchema),
  entries: z.array(ResultEntrySchema),
  notes: z.array(z.string()),
  /**
   * Bytes saved to the backup store by this run before CoreOps overwrote or removed them (a file taken
   * over, an edit restored or deleted), with the store's directory. Absent from older agents' output.
   */
  backups: z
    .object({
      dir: z.string(),
      saved: z.array(BackupEntrySchema),
    })
    .optional(),
});
export type ResultView = z.infer<typeof ResultViewSchema>;
