import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildIgnitionConfig, renderIgnitionConfig } from "../ignition/config.js";
import { generateRunSecrets, publicValues, secretValues } from "../ignition/run-secrets.js";
import { dataUrlPayload, REDACTED_DATA_URL, redactIgnitionText } from "./ignition.js";
import { Redactor } from "./redactor.js";

const secrets = generateRunSecrets("ign");
const redactor = new Redactor(secretValues(secrets), publicValues(secrets));
const rendered = renderIgnitionConfig(
  buildIgnitionConfig({
    runId: "ign",
    token: secrets.token,
    sshUser: "core",
    adminGroup: "sudo",
    authorizedKey: secrets.clientKey.publicKey,
    hostKey: secrets.hostKey,
    deliveryMount: true,
  }),
);

interface File {
  path: string;
  contents: { source: string; compression?: string; verification?: unknown };
}
const files = (text: string) => (JSON.parse(text) as { storage: { files: File[] } }).storage.files;
const byPath = (text: string, suffix: string) => files(text).find((f) => f.path.endsWith(suffix));

describe("redacting a rendered Ignition config", () => {
  it("replaces secret payloads by a placeholder data URL and keeps the rest", () => {
    expect(redactor.finds(rendered)).toBe(true);
    const out = redactIgnitionText(rendered, redactor);
    expect(redactor.finds(out)).toBe(false);
    expect(out).not.toContain(secrets.token);
    expect(byPath(out, "ssh_host_ed25519_key")?.contents.source).toBe(REDACTED_DATA_URL);
    expect(byPath(out, "-ready")?.contents.source).toBe(REDACTED_DATA_URL);
    // Public and harmless payloads stay as they were, so a reader can check the pin and the sudo rule.
    expect(byPath(out, "ssh_host_ed25519_key.pub")?.contents.source).toBe(
      byPath(rendered, "ssh_host_ed25519_key.pub")?.contents.source,
    );
    expect(byPath(out, "sudoers.d/90-core-ops-verify-core")?.contents.source).toBe(
      byPath(rendered, "sudoers.d/90-core-ops-verify-core")?.contents.source,
    );
    expect(JSON.parse(out).passwd).toEqual(JSON.parse(rendered).passwd);
    expect(JSON.parse(out).ignition.version).toBe("3.3.0");
    expect(dataUrlPayload(REDACTED_DATA_URL, false)).toBe("[REDACTED]");
    expect(redactIgnitionText(out, redactor)).toBe(out);
  });

  it("drops compression and verification of a replaced payload (they described the secret)", () => {
    const config = JSON.parse(rendered) as { storage: { files: File[] } };
    const gz = gzipSync(Buffer.from(secrets.hostKey.privateKey));
    config.storage.files.push({
      path: "/etc/gz-key",
      contents: {
        source: `data:;base64,${gz.toString("base64")}`,
        compression: "gzip",
        verification: { hash: "sha512-00" },
      },
    });
    const out = redactIgnitionText(JSON.stringify(config), redactor);
    expect(byPath(out, "/etc/gz-key")?.contents).toEqual({ source: REDACTED_DATA_URL });
  });

  it("redacts as text what is not JSON", () => {
    const text = `${rendered.slice(0, rendered.indexOf("ssh_host_ed25519_key") + 300)} cut`;
    expect(() => JSON.parse(text)).toThrow();
    expect(redactor.finds(text)).toBe(true);
    expect(redactor.finds(redactIgnitionText(text, redactor))).toBe(false);
  });
});
