#!/usr/bin/env node
// Entry for `npx core-ops` after `npm ci`: the `prepare` step compiles src/ and bundles the CLI into
// dist/core-ops.mjs (one file loads twice as fast as the module graph).
import "../dist/core-ops.mjs";
