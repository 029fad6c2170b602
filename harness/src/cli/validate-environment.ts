/**
 * `core-ops-verify validate-environment`: does the verification environment match its identity fixture?
 * Exit 0 on a match, 1 with one `field fixture=x runtime=y` line per mismatch, 2 for a fixture that is not
 * valid or an empty flag (README "Release gate").
 */
import type { Command } from "commander";
import {
  type ActualEnvironment,
  actualFromEnv,
  compareEnvironment,
  renderMismatch,
} from "../environment/compare.js";
import { FixtureError, readFixture } from "../environment/fixture.js";

interface Flags {
  fixture: string;
  expectedName: string;
  expectedVersion: string;
  actualName?: string;
  actualVersion?: string;
  actualRunnerRef?: string;
  actualSystemClass?: string;
  actualPackageSetDigest?: string;
  json?: boolean;
}

const FLAG_OF: Record<string, string> = {
  expectedName: "--expected-name",
  expectedVersion: "--expected-version",
  actualName: "--actual-name",
  actualVersion: "--actual-version",
  actualRunnerRef: "--actual-runner-ref",
  actualSystemClass: "--actual-system-class",
  actualPackageSetDigest: "--actual-package-set-digest",
};

async function check(f: Flags): Promise<number> {
  const blank = Object.entries(FLAG_OF).filter(([k]) => {
    const v = (f as unknown as Record<string, unknown>)[k];
    return typeof v === "string" && v.trim() === "";
  });
  if (blank.length > 0) {
    process.stderr.write(
      `core-ops-verify validate-environment: ${blank.map(([, flag]) => flag).join(", ")} must not be empty\n`,
    );
    return 2;
  }
  const fixture = await readFixture(f.fixture);
  const env = actualFromEnv(process.env);
  const actual: ActualEnvironment = {
    name: f.actualName ?? env.name,
    version: f.actualVersion ?? env.version,
    runnerRef: f.actualRunnerRef ?? env.runnerRef,
    systemClass: f.actualSystemClass ?? env.systemClass,
    packageSetDigest: f.actualPackageSetDigest,
  };
  const mismatches = compareEnvironment(
    fixture,
    { name: f.expectedName, version: f.expectedVersion },
    actual,
  );
  if (f.json) {
    process.stdout.write(
      `${JSON.stringify({ fixture: f.fixture, matches: mismatches.length === 0, mismatches }, null, 2)}\n`,
    );
  } else if (mismatches.length === 0) {
    process.stdout.write(
      `environment ${fixture.environment_name} ${fixture.environment_version}: matches ${f.fixture}\n`,
    );
  } else {
    process.stdout.write(`${mismatches.map(renderMismatch).join("\n")}\n`);
  }
  return mismatches.length === 0 ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command("validate-environment")
    .description(
      "check the verification environment's identity against its fixture (exit 1 per-field on mismatch)",
    )
    .requiredOption("--fixture <file>", "the environment fixture, e.g. harness/release-gate-environment.json")
    .requiredOption("--expected-name <name>", "the environment name the caller expects")
    .requiredOption("--expected-version <version>", "the environment version marker the caller expects")
    .option(
      "--actual-name <name>",
      "the runner's environment name (default: $CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_NAME)",
    )
    .option("--actual-version <v>", "(default: $CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_VERSION)")
    .option("--actual-runner-ref <ref>", "(default: $CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_RUNNER_REF)")
    .option("--actual-system-class <class>", "(default: $CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_SYSTEM_CLASS)")
    .option(
      "--actual-package-set-digest <sha256:…>",
      "the booted guest image's package-set digest (optional)",
    )
    .option("--json", "print the comparison as JSON")
    .action(async (flags: Flags) => {
      try {
        process.exitCode = await check(flags);
      } catch (err) {
        if (!(err instanceof FixtureError)) throw err;
        process.stderr.write(`core-ops-verify validate-environment: ${err.message}\n`);
        process.exitCode = 2;
      }
    });
}
