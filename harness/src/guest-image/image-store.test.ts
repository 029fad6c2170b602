import { describe, expect, it } from "vitest";
import type { ImageDescriptor } from "./descriptor.js";
import { type ImageEntry, pruneCandidates } from "./image-store.js";

const descriptor = (recipe_hash: string | null): ImageDescriptor => ({
  schema_version: 1,
  name: recipe_hash ? "coreops-guest-trixie" : "fedora-coreos-stable",
  recipe_hash,
  volume: `${recipe_hash ?? "fcos"}.qcow2`,
  volume_format: "qcow2",
  boot: { method: "bootloader", firmware: "bios" },
  network: { mode: "user-restricted" },
  ignition: { delivery: "fw_cfg", fw_cfg_name: "opt/com.coreos/config", max_spec_version: "3.3.0" },
  ssh_user: "core",
  admin_group: "sudo",
  local_container_images: [],
  packages: {},
  created_at: "2026-11-29T10:00:00Z",
});
const entry = (id: string, recipe: string | null, current: boolean, usedBy: string[] = []): ImageEntry => ({
  id,
  dir: `/cache/${id}`,
  descriptor: descriptor(recipe),
  current,
  usedBy,
  sizes: { volume: 0, kernel: 0, initrd: 0 },
});

describe("pruneCandidates", () => {
  it("removes only images of other recipes that no overlay uses; keeps the current and imported ones", () => {
    const entries = [
      entry("aaa", "aaa", true),
      entry("bbb", "bbb", false),
      entry("ccc", "ccc", false, ["coreops-verify-r1.qcow2"]),
      entry("import-fcos", null, false),
    ];
    expect(pruneCandidates(entries).map((e) => e.id)).toEqual(["bbb"]);
  });
});
