/** The `status` view model (`core-ops status --json`). Missing, partial, invalid, unsupported → absent. */
import { z } from "zod";
import { AdmissionSchema } from "../state/admission.js";
import { BackupEntrySchema } from "../state/backups.js";
import { LockHolderSchema } from "../state/lock.js";
import { ControllerSchema, StatusSchema } from "../state/status.js";
import { VIEW_SCHEMA_VERSION } from "./common.js";

export const StatusViewSchema = z.object({
  view_kind: z.literal("status"),
  schema_version: z.literal(VIEW_SCHEMA_VERSION),
  state_file: z.string(),
  /** `present` only for a fully valid snapshot (of the current schema_version or one it migrates from). */
  status: z.enum(["present", "absent"]),
  /** Why the snapshot counts as absent (`missing`, or the validation reason), null when present. */
  absent_reason: z.string().nullable(),
  /** The controller answering now (the snapshot's `controller` is the one that last wrote it). */
  running_controller: ControllerSchema,
  snapshot: StatusSchema.nullable(),
  /**
   * The backup store next to the state file: bytes CoreOps saved before overwriting or removing them,
   * oldest first (bounded; README "What CoreOps owns and where it writes"). `invalid_reason` is set when
   * its index cannot be read. Absent from older agents' output.
   */
  backups: z
    .object({
      dir: z.string(),
      entries: z.array(BackupEntrySchema),
      invalid_reason: z.string().nullable(),
    })
    .optional(),
  /** The rollback-hold decision for the last observed commit of the tracked ref (null when absent). */
  admission: AdmissionSchema.nullable(),
  /** The schema_version of the file on disk when it is an older one read through its migration. */
  migrated_from: z.number().int().nullable(),
  /**
   * The agent lock: `free`, `unreadable`, or `held` with its holder and whether that process still runs
   * (`dead`: left by a killed run; the next run recovers it; `unknown`: recorded on another host).
   */
  lock: z.object({
    path: z.string(),
    state: z.enum(["free", "held", "unreadable"]),
    holder: LockHolderSchema.nullable(),
    liveness: z.enum(["alive", "dead", "unknown"]).nullable(),
  }),
});
export type StatusView = z.infer<typeof StatusViewSchema>;
