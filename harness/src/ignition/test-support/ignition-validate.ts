/** Runs the real `ignition-validate` on a config text (VM-project tests; `core-ops-verify setup` installs it). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function ignitionValidate(text: string): { status: number | null; output: string } {
  const which = spawnSync("sh", ["-c", "command -v ignition-validate"], { encoding: "utf8" });
  if (which.status !== 0) {
    throw new Error(
      "ignition-validate is missing: apt-get install ignition (core-ops-verify setup installs it)",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "ignition-validate-"));
  try {
    const path = join(dir, "config.ign");
    writeFileSync(path, text);
    const run = spawnSync("ignition-validate", [path], { encoding: "utf8" });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
