import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compareEnvironment, renderMismatch } from "./compare.js";
import { type EnvironmentFixture, FixtureError, parseFixture } from "./fixture.js";
import { protectedGateRefusal } from "./gate.js";

const FIXTURE_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../release-gate-environment.json",
);

const fixture: EnvironmentFixture = {
  environment_name: "gate",
  environment_version: "3",
  system_class: "x86_64-debian12-libvirt-qemu-tcg",
  runner_definition_ref: ".ci/e2e-gate",
  reproducibility_notes: "n",
  drift_detection_basis: "d",
  guest_image_package_set_digest: `sha256:${"a".repeat(64)}`,
};
const matching = { name: "gate", version: "3", runnerRef: ".ci/e2e-gate", systemClass: fixture.system_class };

describe("environment identity", () => {
  it("the checked-in fixture is valid", async () => {
    const f = parseFixture(FIXTURE_FILE, await readFile(FIXTURE_FILE, "utf8"));
    expect(f.runner_definition_ref).toBe(".ci/e2e-gate");
  });

  it("refuses empty required fields, unknown fields and a malformed digest, naming each field", () => {
    const bad = { ...fixture, system_class: " ", extra: 1, guest_image_package_set_digest: "abc" };
    expect(() => parseFixture("f.json", JSON.stringify(bad))).toThrow(FixtureError);
    try {
      parseFixture("f.json", JSON.stringify(bad));
    } catch (e) {
      expect((e as FixtureError).problems).toEqual([
        "system_class: must not be empty",
        "guest_image_package_set_digest: must be sha256:<64 hex digits>",
        "(top level): unknown field(s) extra",
      ]);
    }
    const { drift_detection_basis: _gone, ...missing } = fixture;
    expect(() => parseFixture("f.json", JSON.stringify(missing))).toThrow(/drift_detection_basis: /);
  });

  it("matches when every value equals the fixture", () => {
    expect(compareEnvironment(fixture, { name: "gate", version: "3" }, matching)).toEqual([]);
  });

  it("reports one line per mismatching field, unset actual values included", () => {
    const lines = compareEnvironment(
      fixture,
      { name: "gate", version: "4" },
      { ...matching, systemClass: "x86_64-debian12-libvirt-qemu-kvm", runnerRef: undefined },
    ).map(renderMismatch);
    expect(lines).toEqual([
      "environment_version fixture=3 expected=4",
      "runner_definition_ref fixture=.ci/e2e-gate runtime=(unset)",
      "system_class fixture=x86_64-debian12-libvirt-qemu-tcg runtime=x86_64-debian12-libvirt-qemu-kvm",
    ]);
    const digest = compareEnvironment(
      fixture,
      { name: "gate", version: "3" },
      { ...matching, packageSetDigest: `sha256:${"b".repeat(64)}` },
    ).map(renderMismatch);
    expect(digest).toEqual([
      `guest_image_package_set_digest fixture=sha256:${"a".repeat(64)} runtime=sha256:${"b".repeat(64)}`,
    ]);
  });

  it("a protected --ci corpus run needs all four actual values; other runs do not", () => {
    const identity = {
      CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_NAME: "gate",
      CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_VERSION: "3",
      CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_RUNNER_REF: ".ci/e2e-gate",
      CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_SYSTEM_CLASS: "x",
    };
    const run = { ci: true, corpus: true };
    expect(protectedGateRefusal({ CORE_OPS_VERIFY_GATE: "protected" }, run)).toMatch(
      /set CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_NAME, CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_VERSION, CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_RUNNER_REF, CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_SYSTEM_CLASS/,
    );
    expect(
      protectedGateRefusal(
        { CORE_OPS_VERIFY_GATE: "protected", ...identity, CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_VERSION: "" },
        run,
      ),
    ).toMatch(/set CORE_OPS_ACTUAL_VERIFY_ENVIRONMENT_VERSION \(/);
    expect(protectedGateRefusal({ CORE_OPS_VERIFY_GATE: "protected", ...identity }, run)).toBeUndefined();
    expect(protectedGateRefusal({}, run)).toBeUndefined();
    expect(
      protectedGateRefusal({ CORE_OPS_VERIFY_GATE: "protected" }, { ci: false, corpus: true }),
    ).toBeUndefined();
    expect(
      protectedGateRefusal({ CORE_OPS_VERIFY_GATE: "protected" }, { ci: true, corpus: false }),
    ).toBeUndefined();
  });
});
