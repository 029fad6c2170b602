/**
 * The scenario YAML format (ARCHITECTURE.md "How a scenario flows through the harness"), as zod schemas: the single source of truth. Types are inferred from
 * it and `harness/scenario.schema.json` is generated from it (`npm run schema`). Cross-field rules that need
 * the whole document (step references, unique ids) live in `validate.ts`, so this file stays declarative.
 */
import { z } from "zod";
import { DURATION_STRING, durationMs, MAX_DURATION_MS } from "./duration.js";
import { parseJsonPath } from "./json-path.js";

export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const Identifier = z.string().regex(IDENTIFIER, "must match ^[A-Za-z0-9][A-Za-z0-9._-]*$");

/**
 * A directory below `repos/`: relative, '/'-separated identifiers, so no `..`, no absolute path and no
 * hidden entry; that it does not leave `repos/` through a symlink is checked when the file is loaded
 * (`fixture-path.ts`).
 */
export const FIXTURE_PATH = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
const FixturePath = z
  .string()
  .regex(FIXTURE_PATH, "must be a path relative to repos/ (names joined by '/', no '..', not absolute)");

/** A regular expression (JavaScript syntax), compiled when the scenario is loaded. */
const RegexSource = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `is not a valid regular expression: ${(err as Error).message}` });
  }
});

/** A path into a JSON document (`json-path.ts`), parsed when the scenario is loaded. */
const JsonPath = z
  .string()
  .min(1)
  .superRefine((path, ctx) => {
    try {
      parseJsonPath(path);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
  });

/**
 * A duration: integer seconds, or a string `<n>ms|s|m` (`"1s"`, `"500ms"`, `"3m"`, `"90"`); more than zero
 * and at most a day (a timer cannot wait longer: Node fires a longer one at once).
 */
const DURATION_FORMAT = 'write a duration as seconds (90) or "<n>ms", "<n>s", "<n>m"';
const DURATION_RANGE = "a duration must be more than zero and at most 24 hours";
export const DurationSchema = z.union(
  [
    z
      .number()
      .int(DURATION_FORMAT)
      .positive(DURATION_RANGE)
      .max(MAX_DURATION_MS / 1000, DURATION_RANGE),
    z
      .string()
      .regex(DURATION_STRING, DURATION_FORMAT)
      .refine((d) => !DURATION_STRING.test(d) || (durationMs(d) > 0 && durationMs(d) <= MAX_DURATION_MS), {
        message: DURATION_RANGE,
      }),
  ],
  { error: DURATION_FORMAT },
);
export type Duration = z.infer<typeof DurationSchema>;

export const SCENARIO_CLASSES = [
  "convergence",
  "drift_correction",
  "idempotency",
  "upgrade_transition",
  "reboot_resilience",
  "explain_apply_consistency",
  "regression_detection",
  "release_gate_success",
  "release_gate_failure",
  "verification_environment_identity",
  "version_identity_visibility",
  "installation_path_validation",
  "operator_verification_flow",
  "operator_verification_reproducibility",
  "cold_start_distribution_validation",
  "distribution_artifact_validation",
] as const;
export const ScenarioClassSchema = z.enum(SCENARIO_CLASSES);
export type ScenarioClass = z.infer<typeof ScenarioClassSchema>;

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

export const OUTCOMES = [
  "passed",
  "assertion_failure",
  "infrastructure_failure",
  "timeout",
  "harness_error",
] as const;
export const OutcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const CoreOpsActionSchema = z
  .object({
    /** `version` runs `core-ops --version`. */
    action: z.enum(["init", "plan", "apply", "explain", "status", "agent", "version"]),
    /**
     * Fixture tag or commit for `init` (or `main`, the replayed branch, which a guest command may move);
     * documentation for the others (they act on the tracked ref).
     */
    revision: z.string().min(1).optional(),
    /** Legacy field of the original; only `fixture` (the materialized fixture repository) exists. */
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

const AssertionBase = {
  assertion_id: Identifier,
  description: z.string().optional(),
  failure_message: z.string().optional(),
  artifact_hints: z.array(z.string()).optional(),
};

/**
 * A value match used by `json_path` and `state_file`: exactly one of equals / contains / matches.
 * String expectations (here and in `expected_state`) may name values the harness knows, as `${name}`:
 * `build.version`, `build.revision`, `build.tree_state`, `build.identity` (the agent build delivered into
 * the guest) and `fixture.<revision>` (the full commit id of a fixture revision); see scenarios/README.md.
 */
const ValueMatch = {
  equals: z.unknown().optional(),
  contains: z.string().optional(),
  matches: RegexSource.optional(),
};

const StepTextAssertion = <T extends string>(type: T) =>
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal(type),
      target: Identifier,
      expected_state: z.string(),
    })
    .strict();

const SystemdProperty = z.string().regex(/^[A-Z][A-Za-z]*$/, "a systemd property name such as ActiveState");

/** Compare unit properties right after `step` with their values at the end of the run, or right after
 * the later step `until` (to pin a change to one transition of a multi-step scenario). */
const SinceRule = z
  .object({ step: Identifier, until: Identifier.optional(), properties: z.array(SystemdProperty).min(1) })
  .strict();

export const AssertionSchema = z.discriminatedUnion("assertion_type", [
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal("no_pending_changes"),
      /** A step whose output is a `plan --json`; otherwise the harness runs that plan itself. */
      target: z.string().optional(),
      expected_state: z.string().optional(),
    })
    .strict(),
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal("output_contains"),
      /** A step id; without it any step's stdout may contain the text. */
      target: z.string().optional(),
      expected_state: z.string(),
    })
    .strict(),
  StepTextAssertion("step_command_contains"),
  StepTextAssertion("step_command_not_contains"),
  StepTextAssertion("step_stdout_contains"),
  StepTextAssertion("step_stderr_contains"),
  /** The step's stdout, without its trailing newline, is exactly `expected_state`. */
  StepTextAssertion("step_stdout_equals"),
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal("step_exit_code_is"),
      target: Identifier,
      expected_state: z.union([z.number().int(), z.string().regex(/^-?[0-9]+$/)]),
    })
    .strict(),
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal("step_duration_within_ms"),
      target: Identifier,
      expected_state: z.union([z.number().int().positive(), z.string().regex(/^[0-9]+$/)]),
    })
    .strict(),
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal("json_path"),
      /** The step whose stdout is the JSON document (a `mode: json` action). */
      target: Identifier,
      /** Dotted path with optional indexes: `summary.changed_count`, `$.actions[0].kind`. */
      path: JsonPath,
      ...ValueMatch,
    })
    .strict(),
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal("unit_state"),
      unit: z.string().min(1),
      /** systemd properties (as `systemctl show` names them) and their expected values. */
      expect: z.record(SystemdProperty, z.union([z.string(), z.number().int()])).optional(),
      /** These properties must equal their values right after the named step. */
      unchanged_since: SinceRule.optional(),
      /** These properties must differ from their values right after the named step. */
      changed_since: SinceRule.optional(),
    })
    .strict(),
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal("file"),
      path: z.string().regex(/^\//, "an absolute guest path"),
      exists: z.boolean().default(true),
      content_contains: z.string().optional(),
      /** Octal permission bits, e.g. "0644". */
      mode: z
        .string()
        .regex(/^0?[0-7]{3,4}$/)
        .optional(),
    })
    .strict(),
  z
    .object({
      ...AssertionBase,
      assertion_type: z.literal("state_file"),
      /** Path into the agent's status.json, as for `json_path`. */
      path: JsonPath,
      state_file: z.string().regex(/^\//).default("/var/lib/core-ops/status.json"),
      ...ValueMatch,
    })
    .strict(),
]);
export type Assertion = z.infer<typeof AssertionSchema>;
export type AssertionType = Assertion["assertion_type"];

export const EnvironmentSchema = z
  .object({
    profile: z.literal("single-blessed-vm"),
    overrides: z
      .object({
        vcpus: z.number().int().min(1).max(8).optional(),
        memory_mib: z.number().int().min(256).max(8192).optional(),
        /** A cached guest image: its cache id or recipe hash (a prefix of ≥ 8), or its descriptor name. */
        image_version: z.string().min(1).optional(),
        /**
         * What bring-up confirms before the first step: `serial-console` (this run's readiness record;
         * always) and `ssh-ready` (SSH answers and the guest's boot has finished: `systemctl
         * is-system-running --wait` says running or degraded).
         */
        readiness_checks: z
          .array(z.enum(["serial-console", "ssh-ready"]))
          .min(1)
          .refine((checks) => checks.includes("serial-console"), {
            message:
              "readiness_checks must include serial-console: the readiness record is how the harness learns the guest booted; add ssh-ready for the extra SSH check",
          })
          .optional(),
        /** The only connection profile: SSH as the image's user, per-run key, pinned host key. */
        connection_profile: z.literal("default-ssh").optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const RepositoryEvolutionSchema = z
  .object({
    /** Relative to `repos/`: `repos/<history_fixture>/<revision>/` holds each revision's full tree. */
    history_fixture: FixturePath,
    revisions: z.array(Identifier).min(1),
    states: z.array(z.string()).default([]),
    transition_expectations: z.array(z.string()).default([]),
  })
  .strict();

export const FixturesSchema = z
  .object({
    /** Relative to `repos/`. */
    repo_fixture: FixturePath,
    repository_evolution: RepositoryEvolutionSchema.optional(),
    /** Files or directories relative to `repos/`, placed in the guest under
     * /var/lib/core-ops-verify/config-inputs/<path> before the first step. */
    config_inputs: z.array(FixturePath).default([]),
    /** As `config_inputs`, placed under /var/lib/core-ops-verify/test-data/<path>. */
    test_data: z.array(FixturePath).default([]),
    revision_under_test: z.string().min(1),
  })
  .strict();

export const TimeoutsSchema = z
  .object({
    per_step_defaults: z.partialRecord(StepTypeSchema, DurationSchema).optional(),
    scenario_timeout: DurationSchema.optional(),
    readiness_timeout: DurationSchema.optional(),
  })
  .strict();

export const ARTIFACT_NAMES = [
  "scenario-definition",
  "harness-log",
  "console-log",
  "coreops-output",
  "assertion-results",
  "readiness-evidence",
  "timeline",
  "journal-excerpts",
  "explain-output",
  "relevant-files",
] as const;

export const ArtifactPolicySchema = z
  .object({
    /**
     * Collected whatever the outcome; the bundle's base files are always written, `journal-excerpts` and
     * `relevant-files` add the guest evidence otherwise collected only on failure.
     */
    always_collect: z
      .array(z.enum(ARTIFACT_NAMES))
      .refine((names) => !names.includes("explain-output"), {
        message:
          "always_collect cannot name explain-output: the harness does not run explain by itself; add a coreops_action step with action explain (its output is in coreops-output.txt)",
      })
      .optional(),
    collect_on_failure: z.array(z.enum(ARTIFACT_NAMES)).optional(),
    /** With `run --debug`: keep the VM after the run (default true); false tears it down anyway. */
    retain_environment_in_debug: z.boolean().optional(),
    export_format: z.literal("directory").optional(),
  })
  .strict();

export const PolicyOverridesSchema = z
  .object({
    timeout_profile: z.literal("standard").optional(),
    timeouts: TimeoutsSchema.optional(),
    artifact_profile: z.literal("standard").optional(),
    artifact_policy: ArtifactPolicySchema.optional(),
  })
  .strict();
export type PolicyOverrides = z.infer<typeof PolicyOverridesSchema>;

/**
 * The unattended path: the agent is installed through the guest's Ignition config exactly as
 * `node agent/deploy/render.mjs --format ignition` renders it (binary from the delivery disk, a timer
 * drop-in with this schedule, the scenario's `host` as the host name), tracking `ref` of the fixture
 * repository, which the harness points at `at` before boot. No `init` step is needed.
 */
export const InstallationSchema = z
  .object({
    via: z.literal("ignition"),
    ref: Identifier,
    at: z.string().min(1),
    schedule: z.object({ on_boot_sec: DurationSchema, on_unit_active_sec: DurationSchema }).strict(),
  })
  .strict();
export type Installation = z.infer<typeof InstallationSchema>;

export const ScenarioSchema = z
  .object({
    scenario_id: Identifier,
    title: z.string().min(1),
    description: z.string().min(1),
    scenario_classes: z.array(ScenarioClassSchema).min(1),
    source: z.enum(["accepted", "candidate"]),
    behavioral_claim: z.string().min(1),
    rationale: z.string().min(1),
    /** The host (`hosts/<host>/` of the fixture) the guest plays; rendered as `--host` on actions. */
    host: Identifier.optional(),
    environment: EnvironmentSchema,
    fixtures: FixturesSchema,
    installation: InstallationSchema.optional(),
    steps: z.array(StepSchema).min(1),
    assertions: z.array(AssertionSchema).min(1),
    /** A designed failure: when the run ends with this outcome it counts as passed, with a warning. */
    expected_outcome: OutcomeSchema.exclude(["passed"]).optional(),
    policy_overrides: PolicyOverridesSchema.optional(),
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;
