#!/usr/bin/env node
import "../dist/cli/release-main.js";
