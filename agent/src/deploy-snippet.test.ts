/** agent/deploy/: the unit files and the Butane/Ignition install snippet rendered by render.mjs. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const deploy = join(dirname(fileURLToPath(import.meta.url)), "..", "deploy");
const sha = "0123456789abcdef".repeat(8);
const args = [
  "--url",
  "http://10.0.2.2:8000/core-ops",
  "--sha512",
  sha,
  "--repo",
  "file:///srv/q.git",
  "--rev",
  "main",
];

function render(extra: string[]) {
  return spawnSync(process.execPath, [join(deploy, "render.mjs"), ...extra], { encoding: "utf8" });
}

describe("deploy units", () => {
  it("core-ops.service is a oneshot after network-online running the agent", () => {
    const text = readFileSync(join(deploy, "core-ops.service"), "utf8");
    expect(text).toMatch(/^Type=oneshot$/m);
    expect(text).toMatch(/^After=network-online\.target$/m);
    expect(text).toMatch(/^Wants=network-online\.target$/m);
    expect(text).toMatch(/^ExecStart=\/usr\/local\/bin\/core-ops agent$/m);
  });
  it("core-ops.timer spreads runs and persists", () => {
    const text = readFileSync(join(deploy, "core-ops.timer"), "utf8");
    for (const key of ["OnBootSec", "OnUnitActiveSec", "RandomizedDelaySec"])
      expect(text).toMatch(new RegExp(`^${key}=\\S+$`, "m"));
    expect(text).toMatch(/^Persistent=true$/m);
    expect(text).toMatch(/^WantedBy=timers\.target$/m);
  });
});

describe("install snippet", () => {
  it("renders Butane fcos 1.4.0 with the verified binary, the units and the source drop-in", () => {
    const res = render(args);
    expect(res.status, res.stderr).toBe(0);
    const doc = parse(res.stdout) as {
      variant: string;
      version: string;
      storage: {
        files: { path: string; mode: number; contents: { source: string; verification: { hash: string } } }[];
      };
      systemd: {
        units: { name: string; enabled?: boolean; contents: string; dropins?: { contents: string }[] }[];
      };
    };
    expect(doc.variant).toBe("fcos");
    expect(doc.version).toBe("1.4.0");
    const bin = doc.storage.files.find((f) => f.path === "/usr/local/bin/core-ops");
    expect(bin?.contents.source).toBe("http://10.0.2.2:8000/core-ops");
    expect(bin?.contents.verification.hash).toBe(`sha512-${sha}`);
    const service = doc.systemd.units.find((u) => u.name === "core-ops.service");
    expect(service?.contents).toBe(readFileSync(join(deploy, "core-ops.service"), "utf8"));
    expect(service?.dropins?.[0]?.contents).toContain("Environment=CORE_OPS_REPO=file:///srv/q.git\n");
    expect(service?.dropins?.[0]?.contents).toContain(
      "Environment=CORE_OPS_SYSTEMD_UNIT_DIR=/etc/systemd/system\n",
    );
    const timer = doc.systemd.units.find((u) => u.name === "core-ops.timer");
    expect(timer?.enabled).toBe(true);
    expect(timer?.contents).toBe(readFileSync(join(deploy, "core-ops.timer"), "utf8"));
  });
  it("renders the equivalent Ignition 3.3.0 config", () => {
    const res = render([...args, "--format", "ignition", "--rev", "v2"]);
    expect(res.status, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as {
      ignition: { version: string };
      storage: { files: { mode: number; contents: { verification: { hash: string } } }[] };
      systemd: { units: { name: string; dropins?: { contents: string }[] }[] };
    };
    expect(doc.ignition.version).toBe("3.3.0");
    expect(doc.storage.files[0]?.mode).toBe(0o755);
    expect(doc.storage.files[0]?.contents.verification.hash).toBe(`sha512-${sha}`);
    expect(doc.systemd.units[0]?.dropins?.[0]?.contents).toContain("Environment=CORE_OPS_REV=v2\n");
  });
  it("rejects a malformed hash before rendering anything", () => {
    const res = render(["--url", "http://x/y", "--sha512", "abc", "--repo", "r", "--rev", "main"]);
    expect(res.status).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toContain("--sha512 must be 128 lowercase hex digits");
  });
});
