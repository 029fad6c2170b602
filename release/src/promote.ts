/**
 * `core-ops-release promote`: cut a release in the working tree. Moves the `## [Unreleased]` body of
 * CHANGELOG.md into `## [X.Y.Z] - date`, leaves an empty Unreleased, and deletes the consumed fragments
 * (`changes/*.md` except README.md). Idempotent: a second run for the same version changes nothing in
 * CHANGELOG.md and only removes fragments still lying around.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promoteChangelog } from "./changelog.js";
import { ReleaseError, ReleaseExitCode } from "./errors.js";
import { isFragmentPath } from "./fragment.js";
import { manifestVersion } from "./manifest.js";
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
  const changelogPath = path.join(root, "CHANGELOG.md");
  const text = await readFile(changelogPath, "utf8").catch(() => undefined);
  if (text === undefined) {
    throw new ReleaseError("does not exist", {
      code: "changelog_missing",
      file: "CHANGELOG.md",
      hint: "create CHANGELOG.md with a '## [Unreleased]' section (Keep a Changelog)",
    });
  }
  const outcome = promoteChangelog(text, opts.version, opts.date);
  if (outcome.changed) await writeFile(changelogPath, outcome.text);

  const changesDir = path.join(root, "changes");
  const names = await readdir(changesDir).catch(() => [] as string[]);
  const deleted: string[] = [];
  for (const name of [...names].sort()) {
    const rel = `changes/${name}`;
    if (!isFragmentPath(rel)) continue;
    await rm(path.join(changesDir, name));
    deleted.push(rel);
  }
  return {
    version: opts.version,
    date: opts.date,
    changelog_changed: outcome.changed,
    deleted_fragments: deleted,
  };
}
