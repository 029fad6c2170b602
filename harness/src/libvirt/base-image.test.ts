import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { probedDomainType, resolveBaseImage } from "./base-image.js";

const dirs: string[] = [];
function cache(): string {
  const dir = mkdtempSync(join(tmpdir(), "images-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function descriptor(name: string, createdAt: string) {
  return {
    schema_version: 1,
    name,
    recipe_hash: null,
    volume: `${name}.qcow2`,
    boot: { method: "bootloader" },
    network: { mode: "bridge", bridge: "br0" },
    ignition: { delivery: "fw_cfg", max_spec_version: "3.3.0" },
    ssh_user: "core",
    admin_group: "wheel",
    local_container_images: [],
    packages: {},
    created_at: createdAt,
  };
}

function put(dir: string, id: string, value: unknown): string {
  mkdirSync(join(dir, id));
  const path = join(dir, id, "descriptor.json");
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe("resolveBaseImage", () => {
  it("takes the newest image in the cache, skipping unfinished directories", () => {
    const dir = cache();
    put(dir, "a", descriptor("old", "2026-11-01T00:00:00Z"));
    put(dir, "b", descriptor("new", "2026-11-29T00:00:00Z"));
    mkdirSync(join(dir, "c.tmp-1"));
    expect(resolveBaseImage({ imageCacheDir: dir, baseImage: undefined }).descriptor.name).toBe("new");
  });

  it("takes CORE_OPS_VERIFY_BASE_IMAGE as a descriptor path, a directory, or an image name", () => {
    const dir = cache();
    const path = put(dir, "import-fcos", descriptor("fedora-coreos-stable", "2026-11-01T00:00:00Z"));
    put(dir, "b", descriptor("coreops-guest-trixie", "2026-11-29T00:00:00Z"));
    for (const wanted of [path, join(dir, "import-fcos"), "fedora-coreos-stable", "import-fcos"]) {
      expect(resolveBaseImage({ imageCacheDir: dir, baseImage: wanted }).descriptorPath).toBe(path);
    }
  });

  it("names what is missing and what to run", () => {
    const dir = cache();
    expect(() => resolveBaseImage({ imageCacheDir: dir, baseImage: undefined })).toThrow(
      /core-ops-verify image build/,
    );
    expect(() => resolveBaseImage({ imageCacheDir: dir, baseImage: "nope" })).toThrow(/image import/);
  });

  it("names the file and field of a broken descriptor", () => {
    const dir = cache();
    const path = put(dir, "x", { ...descriptor("x", "t"), admin_group: "root" });
    expect(() => resolveBaseImage({ imageCacheDir: dir, baseImage: path })).toThrow(
      new RegExp(`${path}: field admin_group`),
    );
  });
});

describe("probedDomainType", () => {
  it("reads the setup's accel and falls back to TCG", () => {
    const dir = cache();
    writeFileSync(join(dir, "host.json"), JSON.stringify({ accel: "kvm", accel_reason: "ran" }));
    expect(probedDomainType(join(dir, "host.json")).domainType).toBe("kvm");
    writeFileSync(join(dir, "host.json"), JSON.stringify({ accel: "tcg", accel_reason: "hang" }));
    expect(probedDomainType(join(dir, "host.json")).domainType).toBe("qemu");
    expect(probedDomainType(join(dir, "missing.json"))).toMatchObject({ domainType: "qemu" });
  });
});
