/**
 * `core-ops` command-line entry (the process). `--version` alone is answered from the build identity the
 * single-file binary carries, before the commands (and their dependencies) are loaded: it is what a host
 * runs most often to check a deployment, and loading the program costs more than printing one line.
 * Everything else runs the program (program.ts), loaded on demand, and sets the exit code.
 */
import { type BuildInfo, formatIdentity } from "../identity-format.js";

declare const __CORE_OPS_BUILD_INFO__: BuildInfo | undefined;

async function run(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  if (
    args.length === 1 &&
    (args[0] === "--version" || args[0] === "-V") &&
    typeof __CORE_OPS_BUILD_INFO__ !== "undefined"
  ) {
    process.stdout.write(`${formatIdentity(__CORE_OPS_BUILD_INFO__)}\n`);
    return 0;
  }
  const { main } = await import("./program.js");
  return main(argv);
}

// No top-level await: the single-file binary bundles this module as CommonJS (scripts/build-binary.mjs).
void run(process.argv).then((code) => {
  process.exitCode = code;
});
