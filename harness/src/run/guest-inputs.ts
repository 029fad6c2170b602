/**
 * A scenario's `fixtures.config_inputs` and `fixtures.test_data`: files or directories below `repos/`,
 * placed in the guest before the first step, keeping their relative paths, under
 * /var/lib/core-ops-verify/config-inputs/ and /var/lib/core-ops-verify/test-data/ (scenarios/README.md).
 * An executable file stays executable.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Scenario } from "../scenario/schema.js";

export const GUEST_INPUT_DIRS = {
  config_inputs: "/var/lib/core-ops-verify/config-inputs",
  test_data: "/var/lib/core-ops-verify/test-data",
} as const;

export interface Placement {
  hostPath: string;
  guestPath: string;
  mode: number;
}

function walk(hostPath: string, guestPath: string, out: Placement[]): void {
  const st = statSync(hostPath);
  if (st.isDirectory()) {
    for (const entry of readdirSync(hostPath).sort())
      walk(join(hostPath, entry), `${guestPath}/${entry}`, out);
    return;
  }
  if (!st.isFile()) throw new Error(`${hostPath} is neither a file nor a directory`);
  out.push({ hostPath, guestPath, mode: (st.mode & 0o111) !== 0 ? 0o755 : 0o644 });
}

/** Every file to upload, in a stable order (fields, then entries, then paths sorted). */
export function inputPlacements(reposRoot: string, fixtures: Scenario["fixtures"]): Placement[] {
  const out: Placement[] = [];
  for (const field of ["config_inputs", "test_data"] as const) {
    for (const rel of fixtures[field]) walk(join(reposRoot, rel), `${GUEST_INPUT_DIRS[field]}/${rel}`, out);
  }
  return out;
}

export async function placeInputs(
  upload: (hostPath: string, guestPath: string, mode: number) => Promise<void>,
  placements: readonly Placement[],
): Promise<void> {
  for (const p of placements) await upload(p.hostPath, p.guestPath, p.mode);
}
