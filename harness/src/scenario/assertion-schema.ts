/**
 * The schema of a scenario assertion (`schema.ts`): one variant per `assertion_type`. Rules across fields
 * (named steps exist, exactly one value match) live in `assertion-rules.ts`.
 */
import { z } from "zod";
import { Identifier, JsonPath, RegexSource } from "./field-schemas.js";

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
