import { describe, expect, it } from "vitest";
import type { ImageDescriptor } from "./descriptor.js";
import { imageIdentity } from "./identity.js";
import { diffImages } from "./image-diff.js";
import { diffPackages, parsePackageLock, renderPackageLock } from "./package-lock.js";
import { packageSetDigest } from "./package-set.js";

const descriptor = (
  packages: Record<string, string>,
  extra: Partial<ImageDescriptor> = {},
): ImageDescriptor => ({
  schema_version: 1,
  name: "coreops-guest-trixie",
  recipe_hash: "a".repeat(64),
  volume: "v.qcow2",
  volume_format: "qcow2",
  boot: { method: "bootloader", firmware: "bios" },
  network: { mode: "user-restricted" },
  ignition: { delivery: "fw_cfg", fw_cfg_name: "opt/com.coreos/config", max_spec_version: "3.3.0" },
  ssh_user: "core",
  admin_group: "sudo",
  local_container_images: [],
  packages,
  created_at: "2026-11-30T00:00:00Z",
  ...extra,
});

describe("guest image identity", () => {
  it("the package-set digest depends on names and versions only, not on order", () => {
    const a = packageSetDigest({ bash: "5.2", ignition: "2.14" });
    expect(a).toBe(packageSetDigest({ ignition: "2.14", bash: "5.2" }));
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(packageSetDigest({ bash: "5.2", ignition: "2.15" })).not.toBe(a);
    expect(packageSetDigest({ bash: "5.2" })).not.toBe(a);
  });

  it("identity: recorded digests win; an older descriptor gets its package-set digest computed", () => {
    const old = descriptor({ bash: "5.2", ignition: "2.14.0-1" });
    expect(imageIdentity(old)).toEqual({
      name: "coreops-guest-trixie",
      recipe_hash: "a".repeat(64),
      package_set_digest: packageSetDigest(old.packages),
      disk_digest: null,
      kernel_version: null,
      ignition_version: "2.14.0-1",
    });
    const built = descriptor(old.packages, {
      disk_digest: `sha256:${"d".repeat(64)}`,
      kernel_version: "6.12",
    });
    expect(imageIdentity(built)).toMatchObject({
      disk_digest: `sha256:${"d".repeat(64)}`,
      kernel_version: "6.12",
    });
  });

  it("packages.lock parses name=version lines, names a bad line, and round-trips", () => {
    const text = "# pinned\nbash=5.2.37-2+b10\nutil-linux=2.41.5-0+deb13u1\n\n";
    const lock = parsePackageLock(text);
    expect(lock).toEqual({ bash: "5.2.37-2+b10", "util-linux": "2.41.5-0+deb13u1" });
    expect(renderPackageLock(lock, text)).toBe("# pinned\nbash=5.2.37-2+b10\nutil-linux=2.41.5-0+deb13u1\n");
    expect(() => parsePackageLock("bash 5.2\n", "packages.lock")).toThrow(
      'packages.lock:1: "bash 5.2" is not name=version',
    );
  });

  it("diffs package sets and images at package level", () => {
    expect(diffPackages({ a: "1", b: "1", c: "1" }, { a: "1", b: "2", d: "1" })).toEqual([
      { name: "b", from: "1", to: "2" },
      { name: "c", from: "1", to: null },
      { name: "d", from: null, to: "1" },
    ]);
    const lines = diffImages(descriptor({ a: "1", b: "1" }), descriptor({ a: "1", b: "2" }));
    expect(lines[0]).toMatch(/^package_set_digest: sha256:[0-9a-f]{64} → sha256:[0-9a-f]{64}$/);
    expect(lines.slice(1)).toEqual(["packages: 1 difference(s)", "  ~ b 1 → 2"]);
    expect(diffImages(descriptor({ a: "1" }), descriptor({ a: "1" }))).toEqual(["packages: identical (1)"]);
  });
});
