/**
 * Shared pieces of the JSON view models (ARCHITECTURE.md "Pipeline", the render stage): object references, revision context,
 * causes, dependency edges, semantic diffs, drift records. Field names are a contract (changes/README.md): add fields, never rename them.
 */
import { z } from "zod";
import { CauseKindSchema, DriftCategorySchema } from "../model/causes.js";
import { ManagedKindSchema } from "../model/kinds.js";

export const VIEW_SCHEMA_VERSION = 1 as const;

/** `{resource_type, name, display_id}`, plus the kind and the runtime unit. */
export const ObjectRefSchema = z.object({
  display_id: z.string(),
  kind: ManagedKindSchema,
  resource_type: z.string(),
  name: z.string(),
  /** Runtime systemd unit (Quadlet naming applied); null for rendered artifacts. */
  unit: z.string().nullable(),
});
export type ObjectRef = z.infer<typeof ObjectRefSchema>;

export const RevisionContextSchema = z.object({
  host: z.string(),
  /** `directory` (stateless `--source-repo`), `git` (tracked repository), `state` (explain from state only). */
  source_kind: z.enum(["directory", "git", "state"]),
  /** Immutable revision of the desired state, null for a directory that is not a clean git checkout. */
  target_revision: z.string().nullable(),
  requested_repository: z.string().nullable(),
  requested_ref: z.string().nullable(),
  /** From status.json; null in stateless mode or before the first successful apply. */
  last_applied_revision: z.string().nullable(),
  /** The git revision the running core-ops binary was built from (`core-ops --version`), `unknown` if none. */
  controller_revision: z.string(),
});
export type RevisionContext = z.infer<typeof RevisionContextSchema>;

export const CauseSchema = z.object({
  kind: CauseKindSchema,
  summary: z.string(),
  /** The object whose change or state caused this one (dependency causes), else null. */
  source_object: z.string().nullable(),
});
export type Cause = z.infer<typeof CauseSchema>;

export const DependencyEdgeSchema = z.object({
  /** `prerequisite`: the entry needs `object`; `dependent`: `object` needs the entry; `blocker`: missing prerequisite. */
  relation: z.enum(["prerequisite", "dependent", "blocker"]),
  object: z.string(),
  /** The directive that created the edge, e.g. `Requires=`, `RequiresMountsFor=`, `Volume=`. */
  via: z.string(),
});
export type DependencyEdge = z.infer<typeof DependencyEdgeSchema>;

export const SemanticDiffSchema = z.object({
  kind: z.enum(["line_based", "semantic_only", "replacement", "deletion", "creation"]),
  summary: z.string(),
  /** `--- previous` / `+++ desired` unified diff of the normalized (material) representation. */
  unified_diff: z.string().nullable(),
  /** Material fields that differ (e.g. `content`, `mode`, `owner`, `[Mount] Options`). */
  fields: z.array(z.string()),
});
export type SemanticDiff = z.infer<typeof SemanticDiffSchema>;

export const DriftSchema = z.object({
  category: DriftCategorySchema,
  /** `three_way` when a last-applied record exists, `two_way` when only desired and observed were compared. */
  comparison_basis: z.enum(["three_way", "two_way", "runtime_verification"]),
  auto_action: z.boolean(),
  attention_required: z.boolean(),
  details: z.string(),
});
export type Drift = z.infer<typeof DriftSchema>;

/** Runtime state from `systemctl show`; absent whenever systemd was not observed (never invented). */
export const UnitRuntimeSchema = z.object({
  load_state: z.string(),
  active_state: z.string(),
  sub_state: z.string(),
  unit_file_state: z.string(),
});
export type UnitRuntimeView = z.infer<typeof UnitRuntimeSchema>;

/** Mount facts a plan shows so an operator sees what a mount change touches: stem, automount relationship, dependents. */
export const MountFactsSchema = z.object({
  where: z.string(),
  what: z.string().nullable(),
  type: z.string().nullable(),
  options: z.array(z.string()),
  create_mountpoint: z.boolean(),
  network_backed: z.boolean(),
  automount: z.string().nullable(),
  mount: z.string().nullable(),
  dependent_count: z.number().int().nonnegative(),
});
export type MountFacts = z.infer<typeof MountFactsSchema>;
