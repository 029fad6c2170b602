import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  agentInstallExtras,
  renderAgentIgnition,
  scheduleDropin,
  TIMER_DROPIN_NAME,
} from "./agent-install.js";
import { buildIgnitionConfig } from "./config.js";
import { generateRunSecrets } from "./run-secrets.js";

const repoRoot = join(fileURLToPath(import.meta.url), "..", "..", "..", "..");
const sha = "ab".repeat(64);
const schedule = { onBootSec: "60s", onUnitActiveSec: "20s" };

describe("the unattended agent installation", () => {
  it("carries render.mjs's units and source drop-in verbatim, the binary as a link to the delivery", async () => {
    const rendered = await renderAgentIgnition(repoRoot, {
      repo: "file:///var/tmp/r",
      rev: "main",
      binarySha512: sha,
    });
    const extras = agentInstallExtras(rendered, {
      binaryPath: "/run/core-ops-verify/delivery/core-ops",
      hostname: "unattended-host",
      schedule,
    });
    const service = extras.units?.find((u) => u.name === "core-ops.service");
    expect(service).toEqual(rendered.systemd.units.find((u) => u.name === "core-ops.service"));
    expect(service?.dropins?.[0]?.contents).toContain("Environment=CORE_OPS_REPO=file:///var/tmp/r\n");
    expect(service?.dropins?.[0]?.contents).toContain("Environment=CORE_OPS_REV=main\n");
    const timer = extras.units?.find((u) => u.name === "core-ops.timer");
    const renderedTimer = rendered.systemd.units.find((u) => u.name === "core-ops.timer");
    expect(timer?.contents).toBe(renderedTimer?.contents);
    expect(timer?.enabled).toBe(true);
    expect(timer?.dropins).toEqual([{ name: TIMER_DROPIN_NAME, contents: scheduleDropin(schedule) }]);
    expect(extras.links).toEqual([
      {
        path: "/usr/local/bin/core-ops",
        target: "/run/core-ops-verify/delivery/core-ops",
        hard: false,
        overwrite: true,
      },
    ]);
    expect(extras.directories).toEqual([{ path: "/var/lib/core-ops", mode: 0o700 }]);
    expect(extras.files?.map((f) => f.path)).toEqual(["/etc/hostname", "/etc/hosts"]);
    const secrets = generateRunSecrets("r1");
    const config = buildIgnitionConfig({
      runId: "r1",
      token: secrets.token,
      sshUser: "core",
      adminGroup: "sudo",
      authorizedKey: secrets.clientKey.publicKey,
      hostKey: secrets.hostKey,
      deliveryMount: true,
      extras,
    });
    expect(config.systemd.units.map((u) => u.name)).toContain("core-ops.timer");
    expect(config.storage.links?.[0]?.path).toBe("/usr/local/bin/core-ops");
  });

  it("resets every monotonic trigger before setting the short schedule", () => {
    const text = scheduleDropin(schedule);
    const lines = text.split("\n");
    expect(lines.indexOf("OnBootSec=")).toBeLessThan(lines.indexOf("OnBootSec=60s"));
    expect(lines.indexOf("OnBootSec=")).toBeLessThan(lines.indexOf("OnUnitActiveSec=20s"));
    expect(text).toMatch(/^RandomizedDelaySec=0$/m);
  });

  it("refuses a rendered config whose shape it does not know", () => {
    const bad = {
      ignition: { version: "3.3.0" },
      storage: { files: [] },
      systemd: { units: [] },
    };
    expect(() => agentInstallExtras(bad, { binaryPath: "/x", schedule })).toThrow(
      /expected exactly one file/,
    );
  });
});
