#!/usr/bin/env node
import "../dist/cli/verify-main.js";
