import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_RECIPE_DIR, readRecipeFiles } from "./recipe.js";

// A syntax error in a hook costs a two-minute image build to discover; `sh -n` finds it in milliseconds.
describe("recipe shell scripts", async () => {
  const scripts = (await readRecipeFiles(DEFAULT_RECIPE_DIR)).filter((f) =>
    f.content.toString("utf8").startsWith("#!/bin/sh"),
  );

  it("has the hooks, the initramfs hook and local-bottom script, the shims", () => {
    const paths = scripts.map((s) => s.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        "hooks/container-images.sh",
        "hooks/customize.sh",
        "hooks/setup.sh",
        "rootfs/etc/initramfs-tools/hooks/core-ops-ignition",
        "rootfs/etc/initramfs-tools/scripts/local-bottom/core-ops-ignition",
        "rootfs/usr/local/libexec/core-ops-ssh-host-keys",
        "rootfs/usr/local/libexec/ignition-shims/setfiles",
      ]),
    );
  });

  it.each(scripts.map((s) => [s.path, s] as const))(
    "%s is executable and parses with sh -n",
    (path, script) => {
      expect(script.executable).toBe(true);
      expect(() =>
        execFileSync("sh", ["-n", join(DEFAULT_RECIPE_DIR, path)], { stdio: "pipe" }),
      ).not.toThrow();
    },
  );

  it("the failure marker and the Ignition stages are in the local-bottom script", () => {
    const local =
      scripts.find((s) => s.path.endsWith("local-bottom/core-ops-ignition"))?.content.toString("utf8") ?? "";
    expect(local).toContain('echo "CORE_OPS_IGNITION_FAILED stage=$1" >/dev/console');
    expect(local).toMatch(/--stage=fetch-offline[^\n]*\|\| fail fetch-offline/);
    expect(local).toMatch(/--stage=files --root="\$\{rootmnt\}"[^\n]*\|\| fail files/);
  });
});
