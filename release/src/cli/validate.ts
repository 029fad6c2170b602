/** `core-ops-release validate`: checks a change set against the release rule (changes/README.md). */
import type { Command } from "commander";
import { collectValidationInput } from "../collect.js";
import { ReleaseExitCode } from "../errors.js";
import { openReleaseGit } from "../git.js";
import { renderValidation } from "../render.js";
import { validateChangeSet } from "../validate.js";

interface ValidateFlags {
  repoRoot: string;
  baseRef?: string;
  headRef?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description(
      "check that a releasable change carries a changes/<id>.md fragment, a CHANGELOG.md entry and a large enough package.json version bump",
    )
    .option("--repo-root <dir>", "the repository to check", ".")
    .option("--base-ref <ref>", "start of the change set (the range starts at the merge base with head)")
    .option("--head-ref <ref>", "end of the change set (requires --base-ref); default: the working tree")
    .option("--json", "print the result JSON on stdout and nothing else")
    .action(async (flags: ValidateFlags) => {
      const git = await openReleaseGit(flags.repoRoot);
      const input = await collectValidationInput(git, { baseRef: flags.baseRef, headRef: flags.headRef });
      const result = validateChangeSet(input);
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : renderValidation(result));
      process.exitCode = result.overall_status === "passed" ? ReleaseExitCode.ok : ReleaseExitCode.failed;
    });
}
