/**
 * Every config the harness generates is accepted by the real `ignition-validate` (Debian's Ignition 2.14,
 * the same code that applies it in the guest). Lives in the VM project: `core-ops-verify setup` installs
 * the `ignition` package; `npm test` must not depend on it.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REDACTED_DATA_URL, redactIgnitionText } from "../secrets/ignition.js";
import { Redactor } from "../secrets/redactor.js";
import { buildIgnitionConfig, renderIgnitionConfig } from "./config.js";
import { generateRunSecrets, publicValues, secretValues } from "./run-secrets.js";
import { ignitionValidate as validate } from "./test-support/ignition-validate.js";

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

    it(`${label}: redacted as in a bundle (secret payloads replaced by a placeholder data URL)`, () => {
      const redacted = redactIgnitionText(
        renderIgnitionConfig(buildIgnitionConfig({ ...base, ...variant })),
        new Redactor(secretValues(secrets), publicValues(secrets)),
      );
      expect(redacted).toContain(REDACTED_DATA_URL);
      const result = validate(redacted);
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
