/** `core-ops-release` entry: release governance for this repository (changes/README.md). */
import { Command } from "commander";
import { ReleaseError, ReleaseExitCode } from "../errors.js";
import { register as registerArtifacts } from "./artifacts.js";
import { register as registerChangelog } from "./changelog.js";
import { register as registerPromote } from "./promote.js";
import { register as registerValidate } from "./validate.js";

const program = new Command("core-ops-release")
  .description(
    "Release governance: change fragments, the generated CHANGELOG.md, SemVer bumps, release artifacts",
  )
  .showHelpAfterError()
  .exitOverride();

registerValidate(program);
registerChangelog(program);
registerPromote(program);
registerArtifacts(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ReleaseError) {
    process.stderr.write(`${err.render()}\n`);
    process.exitCode = err.exitCode;
  } else {
    const code = (err as { code?: string }).code;
    const exitCode = (err as { exitCode?: number }).exitCode;
    if (typeof code === "string" && code.startsWith("commander.")) {
      process.exitCode = exitCode === 0 ? ReleaseExitCode.ok : ReleaseExitCode.usage;
    } else {
      process.stderr.write(
        `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = ReleaseExitCode.failed;
    }
  }
}
