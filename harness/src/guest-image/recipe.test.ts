import { chmod, cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_RECIPE_DIR,
  hashRecipeFiles,
  loadRecipe,
  parsePackageList,
  type RecipeFile,
} from "./recipe.js";

const file = (path: string, content: string, executable = false): RecipeFile => ({
  path,
  executable,
  content: Buffer.from(content),
});

describe("hashRecipeFiles", () => {
  const base = [file("packages.txt", "podman\n"), file("hooks/customize.sh", "#!/bin/sh\n", true)];

  it("is stable and independent of file order", () => {
    const h = hashRecipeFiles(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecipeFiles([...base].reverse())).toBe(h);
  });

  it("changes when a file's content, path, executable bit, a new file or the builder version changes", () => {
    const h = hashRecipeFiles(base);
    const variants = [
      [file("packages.txt", "podman\ngit\n"), base[1]],
      [file("packages2.txt", "podman\n"), base[1]],
      [base[0], file("hooks/customize.sh", "#!/bin/sh\n", false)],
      [...base, file("rootfs/etc/motd", "")],
    ] as RecipeFile[][];
    const hashes = variants.map((v) => hashRecipeFiles(v));
    for (const other of hashes) expect(other).not.toBe(h);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(hashRecipeFiles(base, 999)).not.toBe(h);
  });
});

describe("parsePackageList", () => {
  it("drops comments and blank lines, keeps order", () => {
    expect(parsePackageList("# c\npodman\n\n git # trailing\n")).toEqual(["podman", "git"]);
  });
  it("names the file and line of a bad entry", () => {
    expect(() => parsePackageList("podman\nnot a package\n", "p.txt")).toThrow(/p\.txt:2: "not a package"/);
  });
});

describe("loadRecipe", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reads the repository's recipe: trixie, the key packages, a console cmdline", async () => {
    const r = await loadRecipe(DEFAULT_RECIPE_DIR);
    expect(r.suite).toBe("trixie");
    for (const p of [
      "podman",
      "openssh-server",
      "ignition",
      "linux-image-cloud-amd64",
      "busybox-static",
      "nftables",
    ]) {
      expect(r.packages).toContain(p);
    }
    expect(r.cmdline).toContain("console=ttyS0");
    expect(r.files.some((f) => f.path === "hooks/customize.sh" && f.executable)).toBe(true);
  });

  it("changes the hash when any file of a copied recipe changes, and on chmod", async () => {
    dir = await mkdtemp(join(tmpdir(), "recipe-"));
    await cp(DEFAULT_RECIPE_DIR, dir, { recursive: true });
    const before = (await loadRecipe(dir)).hash;
    expect((await loadRecipe(dir)).hash).toBe(before);
    expect(before).toBe((await loadRecipe(DEFAULT_RECIPE_DIR)).hash);
    await writeFile(join(dir, "rootfs/etc/sudoers.d/core-ops-admin"), "# changed\n");
    const afterEdit = (await loadRecipe(dir)).hash;
    expect(afterEdit).not.toBe(before);
    await chmod(join(dir, "hooks/setup.sh"), 0o644);
    expect((await loadRecipe(dir)).hash).not.toBe(afterEdit);
  });

  it("names the missing file", async () => {
    dir = await mkdtemp(join(tmpdir(), "recipe-"));
    await writeFile(join(dir, "suite"), "trixie\n");
    await expect(loadRecipe(dir)).rejects.toThrow(/mirror: missing from the guest image recipe/);
  });
});
