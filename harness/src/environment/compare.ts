/**
 * Compares the environment fixture with what the caller expects and with what the runner says it is. Pure:
 * one mismatch per field, printed as `field fixture=x runtime=y` (or `expected=y` for the caller's
 * expectation). An actual value that is not given at all is a mismatch too: an unidentified runner never
 * passes.
 */
import type { EnvironmentFixture } from "./fixture.js";

/** The runner's identity: flags, else `CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_*` (see actualFromEnv). */
export interface ActualEnvironment {
  name?: string | undefined;
  version?: string | undefined;
  runnerRef?: string | undefined;
  systemClass?: string | undefined;
  /** Optional: the package-set digest of the guest image the run booted. */
  packageSetDigest?: string | undefined;
}

export interface Mismatch {
  field: keyof EnvironmentFixture;
  fixture: string;
  /** `runtime` for what the runner says, `expected` for what the caller expects. */
  source: "runtime" | "expected";
  value: string | undefined;
}

export const ACTUAL_ENV = {
  name: "CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_NAME",
  version: "CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_VERSION",
  runnerRef: "CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_RUNNER_REF",
  systemClass: "CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_SYSTEM_CLASS",
} as const;

export function actualFromEnv(env: NodeJS.ProcessEnv): ActualEnvironment {
  return {
    name: env[ACTUAL_ENV.name],
    version: env[ACTUAL_ENV.version],
    runnerRef: env[ACTUAL_ENV.runnerRef],
    systemClass: env[ACTUAL_ENV.systemClass],
  };
}

export function compareEnvironment(
  fixture: EnvironmentFixture,
  expected: { name: string; version: string },
  actual: ActualEnvironment,
): Mismatch[] {
  const out: Mismatch[] = [];
  const check = (field: keyof EnvironmentFixture, source: Mismatch["source"], value: string | undefined) => {
    if (value === undefined || value !== fixture[field])
      out.push({ field, fixture: fixture[field], source, value });
  };
  check("environment_name", "expected", expected.name);
  check("environment_version", "expected", expected.version);
  check("environment_name", "runtime", actual.name);
  check("environment_version", "runtime", actual.version);
  check("runner_definition_ref", "runtime", actual.runnerRef);
  check("system_class", "runtime", actual.systemClass);
  if (actual.packageSetDigest !== undefined)
    check("guest_image_package_set_digest", "runtime", actual.packageSetDigest);
  return out;
}

export function renderMismatch(m: Mismatch): string {
  return `${m.field} fixture=${m.fixture} ${m.source}=${m.value ?? "(unset)"}`;
}
