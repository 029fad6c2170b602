/** The identity line `--version` prints (README "Apply, the timer agent and the single-file binary"); no dependencies, so the entry can load it first. */

/** What a build records about itself (the zod schema is in identity.ts). */
export interface BuildInfo {
  version: string;
  revision: string;
  tree_state: "clean" | "dirty" | "unknown";
  build_time: string | null;
}

/** Formats the identity line printed by `--version`. */
export function formatIdentity(info: BuildInfo): string {
  const rev = info.revision === "unknown" ? "unknown" : info.revision.slice(0, 8);
  return `${info.version} (${rev})${info.tree_state === "dirty" ? " dirty" : ""}`;
}
