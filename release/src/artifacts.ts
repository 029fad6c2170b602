/**
 * `core-ops-release artifacts` (`npm run release:artifacts`, run by release-binary.yml on a `v*` tag): checks
 * that the tag names the package.json version and that CHANGELOG.md has a released section for it, builds
 * the single-file agent (`npm run build`), and writes `core-ops-linux-x86_64`, its `.sha512` and the release
 * notes cut from that changelog section into the output directory (changes/README.md).
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { versionSection } from "./changelog.js";
import { ReleaseError, ReleaseExitCode } from "./errors.js";
import { manifestVersion } from "./manifest.js";

export const BINARY_NAME = "core-ops-linux-x86_64";

export interface ReleasePlan {
  version: string;
  tag: string;
  notes: string;
}

/** Pure: the checks before anything is built. `tag` undefined means `v<package.json version>`. */
export function planRelease(
  pkgText: string | undefined,
  changelog: string | undefined,
  tag?: string,
): ReleasePlan {
  const version = manifestVersion(pkgText);
  if (version === undefined) {
    throw new ReleaseError("has no version", {
      code: "version_missing",
      file: "package.json",
      field: "version",
    });
  }
  const wanted = tag ?? `v${version}`;
  if (wanted !== `v${version}`) {
    throw new ReleaseError(`tag ${wanted} does not name the package.json version ${version}`, {
      code: "tag_version_mismatch",
      file: "package.json",
      field: "version",
      hint: `tag v${version}, or bump package.json (core-ops-release validate names the version) and promote it`,
    });
  }
  const section = changelog === undefined ? undefined : versionSection(changelog, version);
  if (section === undefined || section.length === 0) {
    throw new ReleaseError(`has no released '## [${version}] - <date>' section with entries`, {
      code: "changelog_release_missing",
      file: "CHANGELOG.md",
      hint: `run core-ops-release promote --version ${version} and commit it before tagging`,
    });
  }
  return { version, tag: wanted, notes: `${section.join("\n")}\n` };
}

export interface ArtifactsReport extends Omit<ReleasePlan, "notes"> {
  binary: string;
  checksum: string;
  notes: string;
}

/** Writes the binary copy, `<binary>.sha512` (sha512sum format) and release-notes.md into `outDir`. */
export async function writeArtifacts(
  plan: ReleasePlan,
  builtBinary: string,
  outDir: string,
): Promise<ArtifactsReport> {
  const bytes = await readFile(builtBinary).catch(() => undefined);
  if (bytes === undefined) {
    throw new ReleaseError(`${builtBinary} does not exist after the build`, {
      code: "binary_missing",
      exitCode: ReleaseExitCode.failed,
      hint: "npm run build must produce agent/dist/core-ops",
    });
  }
  await mkdir(outDir, { recursive: true });
  const binary = path.join(outDir, BINARY_NAME);
  await copyFile(builtBinary, binary);
  const checksum = `${binary}.sha512`;
  await writeFile(checksum, `${createHash("sha512").update(bytes).digest("hex")}  ${BINARY_NAME}\n`);
  const notes = path.join(outDir, "release-notes.md");
  await writeFile(notes, plan.notes);
  return { version: plan.version, tag: plan.tag, binary, checksum, notes };
}
