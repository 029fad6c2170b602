/** The `explain` view model (`core-ops explain <object> --json`). */
import { z } from "zod";
import { ActionSchema } from "../model/actions.js";
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
import { ObservationSchema } from "./plan-view.js";

/** One file that contributed to the object: which layer supplied it and where it lands. */
export const SourceFileSchema = z.object({
  /** `base` (services/<svc>/), `host` (hosts/<host>/overrides/), or `state` (from the last applied inventory). */
  layer: z.enum(["base", "host", "state"]),
  /** Repository-relative path. */
  path: z.string(),
  role: z.enum(["unit", "dropin", "companion", "config"]),
  /** Host path the file is written to. */
  target: z.string(),
  /** Set when a host file replaced a base file of the same name/target. */
  replaces: z.string().nullable(),
});
export type SourceFile = z.infer<typeof SourceFileSchema>;

export const DependencyContextSchema = z.object({
  relation: z.enum(["prerequisite", "dependent", "blocker"]),
  object: z.string(),
  via: z.string(),
  /** The planned action of the related object (`absent` when it is not managed / not desired). */
  state: z.string(),
  reason: z.string(),
});

export const ExplainViewSchema = z.object({
  view_kind: z.literal("explain"),
  schema_version: z.literal(VIEW_SCHEMA_VERSION),
  revision_context: RevisionContextSchema,
  observation: ObservationSchema,
  object: ObjectRefSchema,
  action_or_outcome: ActionSchema,
  causes: z.array(CauseSchema),
  drift: z.array(DriftSchema),
  dependencies: z.array(DependencyEdgeSchema),
  dependency_context: z.array(DependencyContextSchema),
  diff: SemanticDiffSchema.nullable(),
  sources: z.array(SourceFileSchema),
  /** The effective merged desired content (unit with drop-ins applied, or the file's text), null if absent/binary. */
  effective_content: z.string().nullable(),
  /** The normalized (material) representation planning compares. */
  normalized_content: z.string().nullable(),
  metadata: z.object({
    kind: z.string(),
    resource_type: z.string(),
    managed_name: z.string(),
    runtime_unit: z.string().nullable(),
    automount_unit: z.string().nullable(),
    paths: z.array(z.string()),
  }),
  x_coreops: z.object({ create_mountpoint: z.boolean() }).nullable(),
  runtime: UnitRuntimeSchema.nullable(),
  mount: MountFactsSchema.nullable(),
  /** Why the action is implied, in one or two sentences. */
  apply_intent: z.string(),
  notes: z.array(z.string()),
});
export type ExplainView = z.infer<typeof ExplainViewSchema>;
export type DependencyContext = z.infer<typeof DependencyContextSchema>;
