// The one esbuild configuration of the agent CLI (agent/src/cli/main.ts), for both of its outputs
// (ARCHITECTURE.md "Build: one bundle configuration, two outputs"):
//   - "module": agent/dist/core-ops.mjs, the ES module `npx core-ops` loads on the machine's Node 20
//     (scripts/bundle-cli.mjs);
//   - "sea": the CommonJS script the single-file executable embeds, for its Node 24 runtime
//     (scripts/build-binary.mjs).
// Both inject the build identity as `__CORE_OPS_BUILD_INFO__`; what differs is only what each runtime needs.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const agentDist = join(repoRoot, "agent", "dist");

const FLAVOURS = {
  module: {
    format: "esm",
    target: "node20",
    // Bundled CommonJS dependencies call require(); give the ES module one.
    banner: {
      js: 'import { createRequire as __coreOpsCreateRequire } from "node:module";\nconst require = __coreOpsCreateRequire(import.meta.url);',
    },
  },
  sea: {
    format: "cjs",
    target: "node24",
    // import.meta.url is only read on the non-bundled paths (identity from build-info.json or git), but it is
    // mapped to the executable's URL so nothing sees `undefined`.
    define: { "import.meta.url": "__core_ops_import_meta_url" },
    banner: { js: 'const __core_ops_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  },
};

/**
 * The build identity scripts/build-info.mjs recorded; throws an Error saying what to run when it is missing.
 */
export function readBuildInfo() {
  const path = join(agentDist, "build-info.json");
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path} is missing or unreadable (${err.message}); run 'npm run build:ts' first`);
  }
}

/**
 * esbuild options for one flavour (pure).
 * @param {{ flavour: "module" | "sea", outfile: string, buildInfo: object }} options
 */
export function agentBundleOptions({ flavour, outfile, buildInfo }) {
  const { define = {}, ...specific } = FLAVOURS[flavour];
  return {
    entryPoints: [join(repoRoot, "agent", "src", "cli", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    packages: "bundle",
    minify: false,
    legalComments: "none",
    logLevel: "warning",
    ...specific,
    define: { __CORE_OPS_BUILD_INFO__: JSON.stringify(buildInfo), ...define },
  };
}

/** Bundles the agent CLI into `outfile`. */
export async function bundleAgent(options) {
  await build(agentBundleOptions(options));
}
