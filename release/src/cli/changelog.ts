/** `core-ops-release changelog`: regenerates the block between the markers in CHANGELOG.md from changes/. */
import type { Command } from "commander";
import { ReleaseExitCode } from "../errors.js";
import { regenerateChangelog } from "../regenerate.js";

interface ChangelogFlags {
  repoRoot: string;
  check?: boolean;
}

export function register(program: Command): void {
  program
    .command("changelog")
    .description(
      "rewrite the block between <!-- core-ops-release:start --> and <!-- core-ops-release:end --> in CHANGELOG.md from the pending changes/ fragments",
    )
    .option("--repo-root <dir>", "the repository", ".")
    .option("--check", "write nothing; exit 1 when the block differs")
    .action(async (flags: ChangelogFlags) => {
      const r = await regenerateChangelog(flags.repoRoot, flags.check === true);
      const what = r.changed
        ? flags.check
          ? `CHANGELOG.md: the generated block differs from ${r.fragments.length} pending fragment(s) from line ${r.first_difference}; run core-ops-release changelog`
          : `CHANGELOG.md: block regenerated from ${r.fragments.length} pending fragment(s)`
        : `CHANGELOG.md: block up to date (${r.fragments.length} pending fragment(s))`;
      process.stdout.write(`${what}\n`);
      if (r.changed && flags.check) process.exitCode = ReleaseExitCode.failed;
    });
}
