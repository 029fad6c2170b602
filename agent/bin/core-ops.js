#!/usr/bin/env node
// Entry for `npx core-ops` after `npm ci` (the `prepare` step compiles src/ to dist/).
import "../dist/cli/main.js";
