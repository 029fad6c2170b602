import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ImageDescriptor } from "./descriptor.js";
import { readDescriptor, renderDescriptor, validateDescriptor, writeDescriptor } from "./descriptor-file.js";

const local: ImageDescriptor = {
  schema_version: 1,
  name: "coreops-guest-trixie",
  recipe_hash: "ab".repeat(32),
  volume: "coreops-guest-abababababababab.qcow2",
  volume_format: "qcow2",
  boot: {
    method: "direct-kernel",
    kernel: "/var/lib/core-ops-verify/images/x/vmlinuz",
    initrd: "/var/lib/core-ops-verify/images/x/initrd.img",
    cmdline: "root=/dev/vda rw console=ttyS0,115200n8",
  },
  network: { mode: "user-restricted" },
  ignition: { delivery: "fw_cfg", fw_cfg_name: "opt/com.coreos/config", max_spec_version: "3.3.0" },
  ssh_user: "core",
  admin_group: "sudo",
  local_container_images: ["localhost/busybox:latest"],
  packages: { zlib1g: "1:1.3", podman: "5.4.2+ds1-2", "base-files": "13.8" },
  created_at: "2026-11-29T10:00:00Z",
};

describe("descriptor file", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("round-trips through write and read, packages sorted by name", async () => {
    dir = await mkdtemp(join(tmpdir(), "descriptor-"));
    const file = join(dir, "descriptor.json");
    await writeDescriptor(file, local);
    expect(await readDescriptor(file)).toEqual(local);
    const text = await readFile(file, "utf8");
    expect(Object.keys(JSON.parse(text).packages)).toEqual(["base-files", "podman", "zlib1g"]);
    expect(renderDescriptor(local)).toBe(text);
  });

  it("names the file and every bad field", async () => {
    dir = await mkdtemp(join(tmpdir(), "descriptor-"));
    const file = join(dir, "fcos.json");
    await writeFile(
      file,
      JSON.stringify({ ...local, admin_group: "root", boot: { method: "pxe" }, ssh_user: "" }),
    );
    const error = await readDescriptor(file).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`${file}: not a valid image descriptor`);
    expect(message).toMatch(/admin_group/);
    expect(message).toMatch(/boot\.method/);
    expect(message).toMatch(/ssh_user/);
  });

  it("rejects a file that is not JSON, naming it", async () => {
    dir = await mkdtemp(join(tmpdir(), "descriptor-"));
    const file = join(dir, "broken.json");
    await writeFile(file, "{ nope");
    await expect(readDescriptor(file)).rejects.toThrow(/broken\.json: not JSON/);
  });

  it("accepts a hand-written Fedora CoreOS descriptor (bootloader, bridge, wheel) with defaults filled in", () => {
    const fcos = validateDescriptor(
      {
        schema_version: 1,
        name: "fedora-coreos-stable",
        recipe_hash: null,
        volume: "fcos.qcow2",
        boot: { method: "bootloader" },
        network: { mode: "bridge", bridge: "br0" },
        ignition: { delivery: "fw_cfg", max_spec_version: "3.5.0" },
        ssh_user: "core",
        admin_group: "wheel",
        local_container_images: [],
        packages: {},
        created_at: "2026-11-29T10:00:00Z",
      },
      "fcos.json",
    );
    expect(fcos.boot).toEqual({ method: "bootloader", firmware: "bios" });
    expect(fcos.ignition.fw_cfg_name).toBe("opt/com.coreos/config");
    expect(fcos.volume_format).toBe("qcow2");
  });
});
