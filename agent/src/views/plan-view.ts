/**
 * The `plan` view model (`core-ops plan --json`). Embeddable: the apply helper's `result` view can carry
 * a `PlanView` (or its entries) unchanged.
 */
import { z } from "zod";
import { ActionSchema } from "../model/actions.js";
import { AdmissionSchema } from "../state/admission.js";
import {
  CauseSchema,
  DependencyEdgeSchema,
  DriftSchema,
  MountFactsSchema,
  ObjectRefSchema,
  RevisionContextSchema,
  SemanticDiffSchema,
  UnitRuntimeSchema,
  VIEW_SCHEMA_VERSION,
} from "./common.js";

export const PlanEntrySchema = z.object({
  /** Position in execution order, sequential from 0 (topological, lexical tie-break; deletes last, reversed). */
  order_index: z.number().int().nonnegative(),
  object: ObjectRefSchema,
  action: ActionSchema,
  /** Never empty: a no-op carries `no_change` (or `runtime_variance`). */
  causes: z.array(CauseSchema).min(1),
  drift: z.array(DriftSchema),
  dependencies: z.array(DependencyEdgeSchema),
  /** Host paths of the object's files (logical, i.e. not prefixed by --root), sorted. */
  paths: z.array(z.string()),
  /** Owned files on the host the action removes (stale drop-ins, or all files of a deleted object). */
  remove_paths: z.array(z.string()),
  diff: SemanticDiffSchema.nullable(),
  runtime: UnitRuntimeSchema.nullable(),
  mount: MountFactsSchema.nullable(),
  notes: z.array(z.string()),
});
export type PlanEntry = z.infer<typeof PlanEntrySchema>;

export const ObservationSchema = z.object({
  /** `host`: the real host paths; `offline_root`: every host path under `root` (no systemctl). */
  mode: z.enum(["host", "offline_root"]),
  root: z.string().nullable(),
  quadlet_dir: z.string(),
  systemd_unit_dir: z.string(),
  /** `tracked` (status.json read), `stateless` (--source-repo), `no_state` (tracked mode, no inventory yet). */
  state: z.enum(["tracked", "stateless", "no_state"]),
  systemd_running: z.boolean(),
  /** `observed` only when `systemctl show` was consulted. */
  runtime_state: z.enum(["observed", "not_observed"]),
  note: z.string(),
});
export type Observation = z.infer<typeof ObservationSchema>;

export const PlanSummarySchema = z.object({
  changed_count: z.number().int().nonnegative(),
  unchanged_count: z.number().int().nonnegative(),
  blocked_count: z.number().int().nonnegative(),
  skipped_count: z.number().int().nonnegative(),
  total_count: z.number().int().nonnegative(),
  /** Count per action, every action present (0 when unused). */
  actions: z.object({
    create: z.number().int(),
    update: z.number().int(),
    replace: z.number().int(),
    delete: z.number().int(),
    recover: z.number().int(),
    restart: z.number().int(),
    no_op: z.number().int(),
    blocked: z.number().int(),
    skipped: z.number().int(),
  }),
  runtime_variance_count: z.number().int().nonnegative(),
});
export type PlanSummary = z.infer<typeof PlanSummarySchema>;

export const PlanViewSchema = z.object({
  view_kind: z.literal("plan"),
  schema_version: z.literal(VIEW_SCHEMA_VERSION),
  revision_context: RevisionContextSchema,
  observation: ObservationSchema,
  summary: PlanSummarySchema,
  entries: z.array(PlanEntrySchema),
  notes: z.array(z.string()),
  /** Whether the tracked ref's commit may be applied under a rollback hold; null when stateless or a rollback plan. */
  admission: AdmissionSchema.nullable(),
});
export type PlanView = z.infer<typeof PlanViewSchema>;
