/**
 * What the harness knows about the agent build it delivers: `build-info.json`, written by the build next to
 * the single-file binary (scripts/build-info.mjs), and the identity line `core-ops --version` must print
 * for it (README "Identity": `<version> (<8-char revision>)[ dirty]`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

const BuildInfoSchema = z.object({
  version: z.string().min(1),
  revision: z.string().min(1),
  tree_state: z.enum(["clean", "dirty", "unknown"]),
});
export type BuildIdentity = z.infer<typeof BuildInfoSchema>;

/** The build record next to the binary, or null when there is none (a binary from elsewhere). */
export function readBuildIdentity(binary: string): BuildIdentity | null {
  const file = join(dirname(binary), "build-info.json");
  if (!existsSync(file)) return null;
  return BuildInfoSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

/** The `--version` line the agent prints for this build. */
export function identityLine(b: BuildIdentity): string {
  const rev = b.revision === "unknown" ? "unknown" : b.revision.slice(0, 8);
  return `${b.version} (${rev})${b.tree_state === "dirty" ? " dirty" : ""}`;
}

/** Placeholder values (`build.*`, `fixture.<revision>`) for one run. */
export function placeholderValues(
  build: BuildIdentity | null,
  commits: readonly { revision: string; commit: string }[],
): Map<string, string> {
  const values = new Map<string, string>();
  if (build) {
    values.set("build.version", build.version);
    values.set("build.revision", build.revision);
    values.set("build.tree_state", build.tree_state);
    values.set("build.identity", identityLine(build));
  }
  for (const c of commits) values.set(`fixture.${c.revision}`, c.commit);
  return values;
}
