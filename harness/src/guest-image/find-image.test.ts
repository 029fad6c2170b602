import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findImage, imageDirFor, volumeNameFor } from "./build.js";
import type { ImageDescriptor } from "./descriptor.js";
import { writeDescriptor } from "./descriptor-file.js";
import { substratePaths } from "./paths.js";
import { DEFAULT_RECIPE_DIR, loadRecipe } from "./recipe.js";

describe("findImage", () => {
  let state: string | undefined;
  afterEach(async () => {
    if (state) await rm(state, { recursive: true, force: true });
  });

  async function cacheWithImage() {
    state = await mkdtemp(join(tmpdir(), "substrate-state-"));
    const paths = substratePaths({ CORE_OPS_VERIFY_STATE_DIR: state });
    const recipe = await loadRecipe(DEFAULT_RECIPE_DIR);
    const dir = imageDirFor(paths, recipe.hash);
    await mkdir(dir, { recursive: true });
    await mkdir(paths.poolDir, { recursive: true });
    const descriptor: ImageDescriptor = {
      schema_version: 1,
      name: "coreops-guest-trixie",
      recipe_hash: recipe.hash,
      volume: volumeNameFor(recipe.hash),
      volume_format: "qcow2",
      boot: {
        method: "direct-kernel",
        kernel: join(dir, "vmlinuz"),
        initrd: join(dir, "initrd.img"),
        cmdline: recipe.cmdline,
      },
      network: { mode: "user-restricted" },
      ignition: { delivery: "fw_cfg", fw_cfg_name: "opt/com.coreos/config", max_spec_version: "3.3.0" },
      ssh_user: "core",
      admin_group: "sudo",
      local_container_images: ["localhost/busybox:latest"],
      packages: { podman: "5.4.2" },
      created_at: "2026-11-29T10:00:00Z",
    };
    await writeFile(join(dir, "vmlinuz"), "k");
    await writeFile(join(dir, "initrd.img"), "i");
    await writeFile(join(paths.poolDir, descriptor.volume), "q");
    await writeDescriptor(join(dir, "descriptor.json"), descriptor);
    return { paths, recipe, dir, descriptor };
  }

  it("returns the current recipe's image when descriptor, kernel, initrd and base volume exist", async () => {
    const { paths, recipe, dir, descriptor } = await cacheWithImage();
    const found = await findImage(paths, recipe);
    expect(found).toEqual({ descriptor, descriptorPath: join(dir, "descriptor.json"), cached: true });
  });

  it("returns nothing when the base volume or the initrd is missing, or for another recipe", async () => {
    const { paths, recipe, dir, descriptor } = await cacheWithImage();
    await rm(join(paths.poolDir, descriptor.volume));
    expect(await findImage(paths, recipe)).toBeUndefined();
    await writeFile(join(paths.poolDir, descriptor.volume), "q");
    await rm(join(dir, "initrd.img"));
    expect(await findImage(paths, recipe)).toBeUndefined();
    await writeFile(join(dir, "initrd.img"), "i");
    expect(await findImage(paths, { ...recipe, hash: "f".repeat(64) })).toBeUndefined();
  });

  it("names a corrupt descriptor instead of treating it as absent", async () => {
    const { paths, recipe, dir } = await cacheWithImage();
    await writeFile(join(dir, "descriptor.json"), '{"schema_version": 1}');
    await expect(findImage(paths, recipe)).rejects.toThrow(/descriptor\.json: not a valid image descriptor/);
  });
});
