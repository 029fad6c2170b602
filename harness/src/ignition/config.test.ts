import { describe, expect, it } from "vitest";
import { GUEST_DELIVERY_DIR } from "../guest-delivery-dir.js";
import {
  buildIgnitionConfig,
  IGNITION_SPEC_VERSION,
  renderIgnitionConfig,
  STATIC_USER_NETWORK_PATH,
} from "./config.js";
import { deliveryMountUnitName, escapeSystemdPath } from "./delivery-mount.js";
import { READY_UNIT_NAME } from "./readiness-unit.js";
import { generateRunSecrets } from "./run-secrets.js";

const secrets = generateRunSecrets("r1");
const inputs = {
  runId: "r1",
  token: secrets.token,
  sshUser: "core",
  adminGroup: "sudo" as const,
  authorizedKey: secrets.clientKey.publicKey,
  hostKey: secrets.hostKey,
  deliveryMount: true,
};

function decode(source: string): string {
  expect(source.startsWith("data:;base64,")).toBe(true);
  return Buffer.from(source.slice("data:;base64,".length), "base64").toString("utf8");
}

describe("buildIgnitionConfig", () => {
  it("emits spec 3.3.0 with the run's key for the admin user in the admin group", () => {
    const config = buildIgnitionConfig(inputs);
    expect(config.ignition.version).toBe(IGNITION_SPEC_VERSION);
    expect(IGNITION_SPEC_VERSION).toBe("3.3.0");
    expect(config.passwd.users).toEqual([
      { name: "core", groups: ["sudo"], sshAuthorizedKeys: [secrets.clientKey.publicKey] },
    ]);
  });

  it("installs the per-run host key with mode 0600 and passwordless sudo", () => {
    const files = new Map(buildIgnitionConfig(inputs).storage.files.map((f) => [f.path, f]));
    const key = files.get("/etc/ssh/ssh_host_ed25519_key");
    expect(key?.mode).toBe(0o600);
    expect(decode(key?.contents.source ?? "")).toBe(`${secrets.hostKey.privateKey.trimEnd()}\n`);
    expect(decode(files.get("/etc/ssh/ssh_host_ed25519_key.pub")?.contents.source ?? "")).toContain(
      secrets.hostKey.publicKey.split(" ")[1],
    );
    const sudoers = files.get("/etc/sudoers.d/90-core-ops-verify-core");
    expect(sudoers?.mode).toBe(0o440);
    expect(decode(sudoers?.contents.source ?? "")).toBe("core ALL=(ALL) NOPASSWD: ALL\n");
  });

  it("writes a readiness script carrying run id and token and enables its unit", () => {
    const config = buildIgnitionConfig(inputs);
    const script = config.storage.files.find((f) => f.path === "/usr/local/bin/core-ops-verify-ready");
    expect(script?.mode).toBe(0o755);
    const text = decode(script?.contents.source ?? "");
    expect(text).toContain(`RUN_ID='r1'`);
    expect(text).toContain(`TOKEN='${secrets.token}'`);
    expect(text).toContain("/proc/sys/kernel/random/boot_id");
    expect(text).toContain("/dev/ttyS0");
    const unit = config.systemd.units.find((u) => u.name === READY_UNIT_NAME);
    expect(unit?.enabled).toBe(true);
    expect(unit?.contents).toContain("WantedBy=multi-user.target");
    expect(unit?.contents).toContain(`After=ssh.service sshd.service ${deliveryMountUnitName()}`);
  });

  it("mounts the delivery disk read-only only when asked", () => {
    const withDisk = buildIgnitionConfig(inputs).systemd.units.map((u) => u.name);
    expect(withDisk).toEqual(["run-core\\x2dops\\x2dverify-delivery.mount", READY_UNIT_NAME]);
    const mount = buildIgnitionConfig(inputs).systemd.units[0];
    expect(mount?.contents).toContain(`Where=${GUEST_DELIVERY_DIR}`);
    expect(mount?.contents).toMatch(/^Options=ro,/m);
    const without = buildIgnitionConfig({ ...inputs, deliveryMount: false }).systemd.units.map((u) => u.name);
    expect(without).toEqual([READY_UNIT_NAME]);
  });

  it("configures QEMU's user-network address statically only when asked", () => {
    const paths = (staticUserAddress: boolean) =>
      buildIgnitionConfig({ ...inputs, staticUserAddress }).storage.files.map((f) => f.path);
    expect(paths(false)).not.toContain(STATIC_USER_NETWORK_PATH);
    const file = buildIgnitionConfig({ ...inputs, staticUserAddress: true }).storage.files.find(
      (f) => f.path === STATIC_USER_NETWORK_PATH,
    );
    expect(decode(file?.contents.source ?? "")).toContain("Address=10.0.2.15/24\nDHCP=no");
  });

  it("rejects run ids that are unsafe in a shell or domain name", () => {
    expect(() => buildIgnitionConfig({ ...inputs, runId: "a'b" })).toThrow(/run id/);
  });

  it("renders byte-identically for identical inputs", () => {
    expect(renderIgnitionConfig(buildIgnitionConfig(inputs))).toBe(
      renderIgnitionConfig(buildIgnitionConfig(inputs)),
    );
  });
});

describe("escapeSystemdPath", () => {
  it("matches systemd-escape --path", () => {
    expect(escapeSystemdPath("/run/core-ops-verify/delivery")).toBe("run-core\\x2dops\\x2dverify-delivery");
    expect(escapeSystemdPath("/var/lib/my.data/")).toBe("var-lib-my.data");
    expect(escapeSystemdPath("/srv/.hidden")).toBe("srv-\\x2ehidden");
    expect(escapeSystemdPath("/")).toBe("-");
  });
});
