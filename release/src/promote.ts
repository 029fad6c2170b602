/**
 * `core-ops-release promote`: cut a release in the working tree. Moves the entries of the pending fragments
 * (the generated block under `## [Unreleased]`, which must be current) into `## [X.Y.Z] - date`, leaves the
 * block empty, and deletes the consumed fragments (`changes/*.md` except README.md). Idempotent: a second run
 * for the same version changes nothing.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promoteChangelog } from "./changelog.js";
import { blockDifference, renderBlock, renderEntries } from "./changelog-block.js";
import { ReleaseError, ReleaseExitCode } from "./errors.js";
import { manifestVersion } from "./manifest.js";
import { readChangelogAndFragments } from "./regenerate.js";
import { parseVersion } from "./semver.js";

export interface PromoteOptions {
  repoRoot: string;
  version: string;
  /** YYYY-MM-DD. */
  date: string;
}

export interface PromoteReport {
  version: string;
  date: string;
  changelog_changed: boolean;
  deleted_fragments: string[];
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export async function promote(opts: PromoteOptions): Promise<PromoteReport> {
  const usage = (message: string, code: string, hint: string, file?: string) =>
    new ReleaseError(message, { code, hint, exitCode: ReleaseExitCode.usage, ...(file ? { file } : {}) });
  if (!parseVersion(opts.version) || opts.version.includes("+")) {
    throw usage(
      `--version '${opts.version}' is not a SemVer version`,
      "version_invalid",
      "pass X.Y.Z, e.g. 0.2.0",
    );
  }
  if (!DATE.test(opts.date) || Number.isNaN(Date.parse(`${opts.date}T00:00:00Z`))) {
    throw usage(`--date '${opts.date}' is not a date`, "date_invalid", "pass YYYY-MM-DD, e.g. 2026-11-29");
  }
  const root = path.resolve(opts.repoRoot);
  const pkgPath = path.join(root, "package.json");
  const pkgText = await readFile(pkgPath, "utf8").catch(() => undefined);
  const pkgVersion = manifestVersion(pkgText);
  if (pkgVersion !== opts.version) {
    throw new ReleaseError(
      `--version ${opts.version} does not equal the package.json version ${pkgVersion ?? "(none)"}`,
      {
        code: "version_mismatch",
        file: "package.json",
        field: "version",
        hint: "promote the version package.json carries, or bump package.json (and the workspaces) first",
      },
    );
  }
  const { text, fragments } = await readChangelogAndFragments(root);
  const expected = renderBlock(fragments);
  const differs = blockDifference(text, expected);
  if (differs !== undefined) {
    throw new ReleaseError("the generated block differs from the pending fragments", {
      code: "changelog_block_stale",
      file: "CHANGELOG.md",
      line: differs,
      hint: "run core-ops-release changelog (and move hand edits into the fragments) before promoting",
    });
  }
  const outcome = promoteChangelog(text, opts.version, opts.date, renderEntries(fragments));
  if (outcome.changed) await writeFile(path.join(root, "CHANGELOG.md"), outcome.text);

  const deleted: string[] = [];
  for (const f of fragments) {
    await rm(path.join(root, f.path));
    deleted.push(f.path);
  }
  return {
    version: opts.version,
    date: opts.date,
    changelog_changed: outcome.changed,
    deleted_fragments: deleted,
  };
}
