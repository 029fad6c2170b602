import { describe, expect, it } from "vitest";
import { buildIgnitionConfig, renderIgnitionConfig } from "./config.js";
import { REDACTED, redact } from "./redact.js";
import { generateRunSecrets, secretValues } from "./run-secrets.js";

describe("redact", () => {
  const secrets = generateRunSecrets("r2");
  const values = secretValues(secrets);

  it("hides the token in a readiness line", () => {
    const line = `CORE_OPS_VERIFY_READY {"run_id":"r2","token":"${secrets.token}","ip":"10.0.2.15"}`;
    const out = redact(line, values);
    expect(out).not.toContain(secrets.token);
    expect(out).toContain(REDACTED);
    expect(out).toContain('"run_id":"r2"');
  });

  it("hides every secret inside the rendered Ignition config, as Ignition would dump it", () => {
    const rendered = renderIgnitionConfig(
      buildIgnitionConfig({
        runId: "r2",
        token: secrets.token,
        sshUser: "core",
        adminGroup: "sudo",
        authorizedKey: secrets.clientKey.publicKey,
        hostKey: secrets.hostKey,
        deliveryMount: false,
      }),
    );
    const out = redact(rendered, values);
    const hostKeyB64 = Buffer.from(`${secrets.hostKey.privateKey.trimEnd()}\n`).toString("base64");
    expect(rendered).toContain(hostKeyB64);
    expect(out).not.toContain(hostKeyB64);
    expect(out).not.toContain(secrets.token);
    const script = JSON.parse(out).storage.files.find((f: { path: string }) => f.path.endsWith("-ready"));
    expect(script.contents.source).toContain(REDACTED);
    // The public key stays visible: it is what a reader needs to check the pin.
    expect(out).toContain(secrets.clientKey.publicKey.split(" ")[1]);
    expect(JSON.parse(out).ignition.version).toBe("3.3.0");
  });

  it("hides private key lines that appear one by one", () => {
    const line = secrets.hostKey.privateKey.split("\n")[2] ?? "";
    expect(line.length).toBeGreaterThan(16);
    expect(redact(`log: ${line}`, values)).toBe(`log: ${REDACTED}`);
  });
});
