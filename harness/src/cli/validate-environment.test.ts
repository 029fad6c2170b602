/** The built `core-ops-verify` binary: validate-environment exit codes and lines, the protected-gate refusal. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";

const HARNESS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(HARNESS, "bin/core-ops-verify.js");
const FIXTURE = path.join(HARNESS, "release-gate-environment.json");
const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith("CORE_OPS_ACTUAL_") && k !== "CORE_OPS_VERIFY_GATE",
  ),
);
const run = (args: string[], env: Record<string, string> = {}) =>
  execa("node", [BIN, ...args], { reject: false, env: { ...CLEAN_ENV, ...env }, extendEnv: false });

const ACTUAL = {
  CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_NAME: "core-ops-verify-debian-libvirt",
  CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_VERSION: "1",
  CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_RUNNER_REF: ".ci/e2e-gate",
  CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_SYSTEM_CLASS: "x86_64-debian12-libvirt-qemu-tcg",
};
const EXPECTED = ["--expected-name", "core-ops-verify-debian-libvirt", "--expected-version", "1"];

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("core-ops-verify validate-environment (built binary)", () => {
  it("passes with matching values from the environment, fails per field with flags overriding them", async () => {
    const ok = await run(["validate-environment", "--fixture", FIXTURE, ...EXPECTED], ACTUAL);
    expect(ok.stdout).toBe(`environment core-ops-verify-debian-libvirt 1: matches ${FIXTURE}`);
    expect(ok.exitCode).toBe(0);

    const bad = await run(
      ["validate-environment", "--fixture", FIXTURE, ...EXPECTED, "--actual-version", "2"],
      { ...ACTUAL, CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_SYSTEM_CLASS: "aarch64-x" },
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout.split("\n")).toEqual([
      "environment_version fixture=1 runtime=2",
      "system_class fixture=x86_64-debian12-libvirt-qemu-tcg runtime=aarch64-x",
    ]);

    const unset = await run(["validate-environment", "--fixture", FIXTURE, ...EXPECTED]);
    expect(unset.exitCode).toBe(1);
    expect(unset.stdout.split("\n")).toHaveLength(4);
  });

  it("exits 2 for an empty flag or an invalid fixture, naming the field", async () => {
    const empty = await run(
      ["validate-environment", "--fixture", FIXTURE, ...EXPECTED, "--actual-name", ""],
      ACTUAL,
    );
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain("--actual-name must not be empty");
    dir = await mkdtemp(path.join(tmpdir(), "core-ops-env-"));
    const file = path.join(dir, "env.json");
    await writeFile(file, JSON.stringify({ environment_name: "" }));
    const invalid = await run(["validate-environment", "--fixture", file, ...EXPECTED], ACTUAL);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain(`${file}: not a valid environment fixture:`);
    expect(invalid.stderr).toContain("  - environment_name: must not be empty");
    expect(invalid.stderr).toContain("  - runner_definition_ref: ");
  });

  it("CORE_OPS_VERIFY_GATE=protected refuses an unidentified --ci corpus run before preparing anything", async () => {
    const refused = await run(["run", "--accepted-dir", "scenarios", "--ci", "--json"], {
      CORE_OPS_VERIFY_GATE: "protected",
      CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_NAME: "x",
    });
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(
      "CORE_OPS_VERIFY_GATE=protected: a --ci corpus run needs the runner's identity; set CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_VERSION, CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_RUNNER_REF, CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_SYSTEM_CLASS",
    );
  });
});
