/** `core-ops-release artifacts`: the release's binary, checksum and notes (artifacts.ts). */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { execa } from "execa";
import { planRelease, writeArtifacts } from "../artifacts.js";
import { ReleaseError } from "../errors.js";

interface Flags {
  repoRoot: string;
  tag?: string;
  out: string;
  build: boolean;
}

export function register(program: Command): void {
  program
    .command("artifacts")
    .description(
      "check the tag against package.json and CHANGELOG.md, build the agent, write core-ops-linux-x86_64, its .sha512 and release-notes.md",
    )
    .option("--repo-root <dir>", "the repository", ".")
    .option(
      "--tag <vX.Y.Z>",
      "the release tag (default: $GITHUB_REF_NAME on a tag, else v<package.json version>)",
    )
    .option("--out <dir>", "output directory", "release-artifacts")
    .option("--no-build", "package the existing agent/dist/core-ops instead of running npm run build")
    .action(async (flags: Flags) => {
      const root = path.resolve(flags.repoRoot);
      const read = (f: string) => readFile(path.join(root, f), "utf8").catch(() => undefined);
      const envTag = process.env.GITHUB_REF_TYPE === "tag" ? process.env.GITHUB_REF_NAME : undefined;
      const plan = planRelease(await read("package.json"), await read("CHANGELOG.md"), flags.tag ?? envTag);
      process.stderr.write(`release ${plan.tag}: package.json and CHANGELOG.md agree\n`);
      if (flags.build) {
        const built = await execa("npm", ["run", "build"], { cwd: root, stdio: "inherit", reject: false });
        if (built.exitCode !== 0) {
          throw new ReleaseError(`npm run build failed (exit ${built.exitCode})`, { code: "build_failed" });
        }
      }
      const report = await writeArtifacts(
        plan,
        path.join(root, "agent", "dist", "core-ops"),
        path.resolve(root, flags.out),
      );
      process.stdout.write(`${report.binary}\n${report.checksum}\n${report.notes}\n`);
    });
}
