#!/usr/bin/env node
// Bundles the compiled-from-source agent CLI into one ES module, agent/dist/core-ops.mjs, with the build
// identity injected (the configuration is scripts/agent-bundle.mjs). `npx core-ops` (agent/bin/core-ops.js)
// loads this one file instead of resolving ~100 modules: process start-up halves (≈ 0.30 s → 0.14 s for
// --version), which `plan` pays every run.
import { join } from "node:path";
import { agentDist, bundleAgent, readBuildInfo } from "./agent-bundle.mjs";

await bundleAgent({
  flavour: "module",
  outfile: join(agentDist, "core-ops.mjs"),
  buildInfo: readBuildInfo(),
});
