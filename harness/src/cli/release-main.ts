/** `core-ops-release` entry. The `validate` subcommand is added by the release-governance work. */
import { Command } from "commander";

const program = new Command("core-ops-release")
  .description("Check release governance: change fragments, CHANGELOG.md, SemVer bumps")
  .exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const exitCode = (err as { exitCode?: number }).exitCode;
  process.exitCode = typeof exitCode === "number" ? exitCode : 1;
}
