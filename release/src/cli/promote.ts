/** `core-ops-release promote`: moves the Unreleased CHANGELOG.md entries into a version section. */
import type { Command } from "commander";
import { promote } from "../promote.js";

interface PromoteFlags {
  repoRoot: string;
  version: string;
  date?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("promote")
    .description(
      "move the '## [Unreleased]' body of CHANGELOG.md into '## [X.Y.Z] - date' and delete the consumed changes/ fragments",
    )
    .requiredOption("--version <X.Y.Z>", "the version to release; must equal package.json's")
    .option("--date <YYYY-MM-DD>", "release date (default: today, UTC)")
    .option("--repo-root <dir>", "the repository", ".")
    .option("--json", "print what was done as JSON")
    .action(async (flags: PromoteFlags) => {
      const date = flags.date ?? new Date().toISOString().slice(0, 10);
      const report = await promote({ repoRoot: flags.repoRoot, version: flags.version, date });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const lines = [
        report.changelog_changed
          ? `CHANGELOG.md: '## [Unreleased]' moved into '## [${report.version}] - ${report.date}'`
          : `CHANGELOG.md: '## [${report.version}]' already present; unchanged`,
        ...(report.deleted_fragments.length > 0
          ? report.deleted_fragments.map((f) => `deleted ${f}`)
          : ["no fragments left to delete"]),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
