/**
 * The controller's identity (README.md "Apply, the timer agent and the single-file binary"): `<version>
 * (<8-char revision>)[ dirty]`. A build records it in dist/build-info.json (scripts/build-info.mjs); the
 * single-file binary has it injected by esbuild (`__CORE_OPS_BUILD_INFO__`); a run from a source checkout
 * reads it from git.
 */
import { type ExecFileSyncOptionsWithStringEncoding, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { gitEnvironment } from "./desired/git-command.js";
import type { BuildInfo } from "./identity-format.js";

export { type BuildInfo, formatIdentity } from "./identity-format.js";

export const BuildInfoSchema: z.ZodType<BuildInfo> = z.object({
  version: z.string(),
  revision: z.string(),
  tree_state: z.enum(["clean", "dirty", "unknown"]),
  build_time: z.string().nullable(),
});

declare const __CORE_OPS_BUILD_INFO__: BuildInfo | undefined;

/** The workspace root: the nearest ancestor whose package.json declares workspaces. */
function workspaceRoot(start: string): { root: string; version: string } | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { version?: string; workspaces?: unknown };
      if (pkg.workspaces) return { root: dir, version: pkg.version ?? "0.0.0" };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function fromGit(root: string): Pick<BuildInfo, "revision" | "tree_state"> {
  try {
    const opts: ExecFileSyncOptionsWithStringEncoding = {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      // The checkout at `root`, whatever GIT_DIR/GIT_WORK_TREE a caller (a git hook, say) has set.
      env: gitEnvironment(process.env),
    };
    const revision = execFileSync("git", ["rev-parse", "HEAD"], opts).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], opts).trim() !== "";
    return { revision, tree_state: dirty ? "dirty" : "clean" };
  } catch {
    return { revision: "unknown", tree_state: "unknown" };
  }
}

let cached: BuildInfo | undefined;

/** The identity of the running controller. */
export function buildInfo(): BuildInfo {
  if (cached) return cached;
  if (typeof __CORE_OPS_BUILD_INFO__ !== "undefined") {
    cached = __CORE_OPS_BUILD_INFO__;
    return cached;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled: agent/dist/identity.js next to agent/dist/build-info.json.
  const recorded = join(here, "build-info.json");
  if (existsSync(recorded)) {
    cached = BuildInfoSchema.parse(JSON.parse(readFileSync(recorded, "utf8")));
    return cached;
  }
  // Source checkout (tests, tsx): version from the root package.json, revision from git.
  const ws = workspaceRoot(here);
  cached = { version: ws?.version ?? "0.0.0", ...(ws ? fromGit(ws.root) : fromGit(here)), build_time: null };
  return cached;
}
