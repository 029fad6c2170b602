/**
 * SemVer arithmetic for release governance: parse `X.Y.Z[-pre][+build]`, classify a before → after
 * transition, and decide whether a version bump satisfies a required impact. While the major version is 0
 * a breaking change bumps the minor (changes/README.md), so a `major` requirement is met by a minor bump.
 */
import { type Bump, bumpRank } from "./bump.js";

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** The pre-release suffix without `-`, or undefined. Ignored by classification. */
  prerelease: string | undefined;
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Parses a SemVer 2.0.0 version; undefined when `text` is not one. */
export function parseVersion(text: string): Version | undefined {
  const m = SEMVER.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

export type Transition = Bump | "unsupported";

/**
 * before → after: `major` (major up, minor and patch 0), `minor` (same major, minor up, patch 0), `patch`
 * (same major and minor, patch up), `none` (same X.Y.Z), anything else `unsupported` (a decrease, a skipped
 * reset such as 0.1.3 → 0.2.1). Pre-release suffixes are ignored.
 */
export function classifyTransition(before: Version, after: Version): Transition {
  if (before.major === after.major && before.minor === after.minor && before.patch === after.patch)
    return "none";
  if (after.major > before.major) return after.minor === 0 && after.patch === 0 ? "major" : "unsupported";
  if (after.major < before.major) return "unsupported";
  if (after.minor > before.minor) return after.patch === 0 ? "minor" : "unsupported";
  if (after.minor < before.minor) return "unsupported";
  return after.patch > before.patch ? "patch" : "unsupported";
}

/** The bump a requirement needs from `before`: while major is 0, breaking (`major`) means a minor bump. */
export function effectiveRequirement(required: Bump, before: Version): Bump {
  return before.major === 0 && required === "major" ? "minor" : required;
}

export function bumpSatisfies(versionBump: Transition, required: Bump, before: Version): boolean {
  if (versionBump === "unsupported") return false;
  return bumpRank(versionBump) >= bumpRank(effectiveRequirement(required, before));
}

/** The smallest version after `before` that satisfies `required` (for hints). */
export function nextVersion(before: Version, required: Bump): string {
  switch (effectiveRequirement(required, before)) {
    case "major":
      return `${before.major + 1}.0.0`;
    case "minor":
      return `${before.major}.${before.minor + 1}.0`;
    case "patch":
      return `${before.major}.${before.minor}.${before.patch + 1}`;
    case "none":
      return formatVersion(before);
  }
}
