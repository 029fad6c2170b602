/**
 * Where a scenario runs (`schema.ts`): the environment profile, the fixture repositories and inputs, and
 * the unattended installation through Ignition.
 */
import { z } from "zod";
import { DurationSchema, FixturePath, Identifier } from "./field-schemas.js";

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
