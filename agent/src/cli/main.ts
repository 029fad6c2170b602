/** `core-ops` command-line entry (the process): runs the program and sets the exit code. */
import { main } from "./program.js";

// No top-level await: the single-file binary bundles this module as CommonJS (scripts/build-binary.mjs).
void main(process.argv).then((code) => {
  process.exitCode = code;
});
