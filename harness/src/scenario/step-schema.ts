/**
 * The schema of a scenario step (`schema.ts`): its type, the core-ops action it runs, a fixture ref move or
 * a harness operation, its exit expectation and timeouts. Rules across fields live in `step-rules.ts`.
 */
import { z } from "zod";
import { DurationSchema, FixturePath, Identifier } from "./field-schemas.js";

export const STEP_TYPES = [
  "boot",
  "wait_ready",
  "coreops_action",
  "guest_command",
  "mutate_state",
  "reboot",
] as const;
export const StepTypeSchema = z.enum(STEP_TYPES);
export type StepType = z.infer<typeof StepTypeSchema>;

export const CoreOpsActionSchema = z
  .object({
    /** `version` runs `core-ops --version`. */
    action: z.enum(["init", "plan", "apply", "explain", "status", "agent", "version"]),
    /**
     * Fixture tag or commit for `init` (or `main`, the replayed branch, which a guest command may move);
     * documentation for the others (they act on the tracked ref).
     */
    revision: z.string().min(1).optional(),
    /** Optional; its only value is `fixture` (the materialized fixture repository). */
    repository_source: z.literal("fixture").optional(),
    host: Identifier.optional(),
    /** The object `explain` explains (a unit or artifact name). */
    object: z.string().min(1).optional(),
    mode: z.enum(["json", "verbose", "human"]).optional(),
    /** `machine-readable` adds `--json` like `mode: json`. */
    output_contract: z.enum(["machine-readable", "human"]).optional(),
    force: z.boolean().optional(),
    /** `apply --rollback-to`: a fixture tag or commit id, resolved by the harness to the full commit id. */
    rollback_to: z.string().min(1).optional(),
    /** Further arguments appended verbatim (e.g. `--detailed-exitcode`). */
    extra_args: z.array(z.string()).optional(),
  })
  .strict();
export type CoreOpsAction = z.infer<typeof CoreOpsActionSchema>;

export const ExitBehaviorSchema = z.union([z.enum(["zero", "nonzero"]), z.number().int().min(0).max(255)]);
export type ExitBehavior = z.infer<typeof ExitBehaviorSchema>;

/** Moves a branch of the guest's fixture repository to a fixture revision (a new commit behind a tracked
 * ref, as a push would), rendered by the harness to one `git update-ref` in the guest. */
export const FixtureRefMoveSchema = z
  .object({
    /** The branch, e.g. `main`. */
    ref: Identifier,
    /** A fixture tag or commit id, resolved by the harness to the full commit id. */
    revision: z.string().min(1),
  })
  .strict();
export type FixtureRefMove = z.infer<typeof FixtureRefMoveSchema>;

/**
 * What a `target: harness` step does: a structured operation on the materialized fixture repository on the
 * harness host, re-synced into the guest's copy afterwards (never a shell command on the CI host).
 * `move_ref` points a branch at a fixture revision, as a push would; `add_revision` commits the tree of
 * `repos/<tree>/` on top of `ref` and tags it `revision`.
 */
export const HarnessOperationSchema = z.discriminatedUnion("operation", [
  z
    .object({
      operation: z.literal("move_ref"),
      ref: Identifier,
      /** A fixture tag or commit id. */
      revision: z.string().min(1),
    })
    .strict(),
  z
    .object({
      operation: z.literal("add_revision"),
      /** The new revision's tag (usable by later steps and as `${fixture.<revision>}`). */
      revision: Identifier,
      /** Relative to `repos/`: the full tree of the new revision. */
      tree: FixturePath,
      /** The branch the commit goes onto (and that then points at it). */
      ref: Identifier.default("main"),
    })
    .strict(),
]);
export type HarnessOperation = z.infer<typeof HarnessOperationSchema>;

export const StepSchema = z
  .object({
    step_id: Identifier,
    step_type: StepTypeSchema,
    /** `harness`: a `mutate_state` step whose `harness_operation` acts on the fixture repository. */
    target: z.enum(["guest", "harness"]).default("guest"),
    description: z.string().optional(),
    action: CoreOpsActionSchema.optional(),
    command: z.string().min(1).optional(),
    /** `mutate_state` only: move a fixture branch in the guest instead of running a command. */
    fixture_ref: FixtureRefMoveSchema.optional(),
    /** `target: harness` only: the structured operation on the fixture repository. */
    harness_operation: HarnessOperationSchema.optional(),
    expected_exit_behavior: ExitBehaviorSchema.optional(),
    timeout_override: DurationSchema.optional(),
    /** Re-run the step until it meets its exit expectation, for at most this long (one retry primitive). */
    retry_until: DurationSchema.optional(),
  })
  .strict();
export type Step = z.infer<typeof StepSchema>;
