/** The `status` view model (`core-ops status --json`). Missing, partial, invalid, unsupported → absent. */
import { z } from "zod";
import { AdmissionSchema } from "../state/admission.js";
import { ControllerSchema, StatusSchema } from "../state/status.js";
import { VIEW_SCHEMA_VERSION } from "./common.js";

export const StatusViewSchema = z.object({
  view_kind: z.literal("status"),
  schema_version: z.literal(VIEW_SCHEMA_VERSION),
  state_file: z.string(),
  /** `present` only for a fully valid schema_version 1 snapshot. */
  status: z.enum(["present", "absent"]),
  /** Why the snapshot counts as absent (`missing`, or the validation reason), null when present. */
  absent_reason: z.string().nullable(),
  /** The controller answering now (the snapshot's `controller` is the one that last wrote it). */
  running_controller: ControllerSchema,
  snapshot: StatusSchema.nullable(),
  /** The rollback-hold decision for the last observed commit of the tracked ref (null when absent). */
  admission: AdmissionSchema.nullable(),
});
export type StatusView = z.infer<typeof StatusViewSchema>;
