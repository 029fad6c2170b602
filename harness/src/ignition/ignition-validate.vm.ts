/**
 * Every config the harness generates is accepted by the real `ignition-validate` (Debian's Ignition 2.14,
 * the same code that applies it in the guest). Lives in the VM project: `core-ops-verify setup` installs
 * the `ignition` package; `npm test` must not depend on it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildIgnitionConfig, renderIgnitionConfig } from "./config.js";
import { generateRunSecrets } from "./run-secrets.js";

const dir = mkdtempSync(join(tmpdir(), "ignition-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(text: string): { status: number | null; output: string } {
  const which = spawnSync("sh", ["-c", "command -v ignition-validate"], { encoding: "utf8" });
  if (which.status !== 0) {
    throw new Error(
      "ignition-validate is missing: apt-get install ignition (core-ops-verify setup installs it)",
    );
  }
  const path = join(dir, `config-${Math.random().toString(16).slice(2)}.ign`);
  writeFileSync(path, text);
  const run = spawnSync("ignition-validate", [path], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("generated Ignition configs pass ignition-validate", () => {
  const secrets = generateRunSecrets("validate");
  const base = {
    runId: "validate",
    token: secrets.token,
    sshUser: "core",
    authorizedKey: secrets.clientKey.publicKey,
    hostKey: secrets.hostKey,
  };

  for (const [label, variant] of [
    ["local image (sudo), with delivery disk", { adminGroup: "sudo" as const, deliveryMount: true }],
    ["local image (sudo), without deliveries", { adminGroup: "sudo" as const, deliveryMount: false }],
    [
      "local image (sudo), static user-network address",
      { adminGroup: "sudo" as const, deliveryMount: true, staticUserAddress: true },
    ],
    ["Fedora CoreOS (wheel)", { adminGroup: "wheel" as const, deliveryMount: true }],
  ] as const) {
    it(label, () => {
      const result = validate(renderIgnitionConfig(buildIgnitionConfig({ ...base, ...variant })));
      expect(result.output).toBe("");
      expect(result.status).toBe(0);
    });
  }

  it("the validator really rejects a config it cannot accept (spec 3.5.0)", () => {
    const config = buildIgnitionConfig({ ...base, adminGroup: "sudo", deliveryMount: false });
    const result = validate(JSON.stringify({ ...config, ignition: { version: "3.5.0" } }));
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/unsupported config version/);
    expect(execFileSync("ignition-validate", ["--version"]).toString()).toMatch(/Ignition/i);
  });
});
