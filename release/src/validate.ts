/**
 * The release-governance check as a pure function of what changed: classify every changed path, read the
 * fragments changed in the range, compare declared intents with the required bump and with the root
 * package.json's SemVer bump, and check that the version is the same everywhere. A change set may carry
 * several fragments (one per logical change); the required bump is the maximum.
 */
import { type Bump, bumpLower, maxBump } from "./bump.js";
import { unreleasedBody } from "./changelog.js";
import { blockDifference, renderBlock } from "./changelog-block.js";
import { ReleaseError } from "./errors.js";
import { type Fragment, isChangedFragment, parseFragment } from "./fragment.js";
import { isVersionOnlyChange, lockfileVersions, manifestVersion } from "./manifest.js";
import {
  type AppliedRule,
  classifyChange,
  MANIFESTS,
  type PathChange,
  WORKSPACE_MANIFESTS,
} from "./path-rules.js";
import type { ValidationResult } from "./result.js";
import {
  bumpSatisfies,
  classifyTransition,
  effectiveRequirement,
  nextVersion,
  parseVersion,
  type Transition,
  type Version,
} from "./semver.js";

export interface ValidationInput {
  range: ValidationResult["range"];
  changes: PathChange[];
  /** Manifest texts at the start (merge base) and end of the range, for every path in `MANIFESTS`. */
  manifests: Record<string, { before: string | undefined; after: string | undefined }>;
  /** CHANGELOG.md at the end of the range. */
  changelogAfter: string | undefined;
  /** The text at the end of the range of every fragment added, modified, renamed or copied in the range. */
  fragmentTexts: { path: string; text: string }[];
  /** Every fragment at the end of the range (changed or not): what CHANGELOG.md's generated block shows. */
  pendingFragmentTexts: { path: string; text: string }[];
}

export const MISSING_FRAGMENT = "changes/<change-id>.md";
export const MISSING_CHANGELOG = "CHANGELOG.md";
export const MISSING_VERSION = "package.json version";

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
const SIDE_ORDER = { deleted: 0, modified: 1, moved: 2, added: 3 } as const;

/** What the changed paths require: the rules applied, the releasable ones, their maximum bump. */
interface PathRequirement {
  applied: AppliedRule[];
  releasable: AppliedRule[];
  effectiveBump: Bump;
  /** Only release metadata changed (CHANGELOG.md, fragments, version fields). */
  metadataOnly: boolean;
}

/** The fragments changed in the range that parse, what they declare, and why the others do not parse. */
interface DeclaredIntent {
  fragments: Fragment[];
  declaredBump: Bump;
  releasePreparation: boolean;
  reasons: string[];
}

/** The root package.json version at both ends of the range and the transition between them. */
interface VersionChange {
  rootBefore: string | undefined;
  rootAfter: string | undefined;
  before: Version | undefined;
  after: Version | undefined;
  versionBump: Transition | "initial";
  reasons: string[];
}

export function validateChangeSet(input: ValidationInput): ValidationResult {
  const paths = requiredByPaths(input);
  const changedPaths = [
    ...new Set(input.changes.flatMap((c) => (c.from ? [c.from, c.path] : [c.path]))),
  ].sort();
  const changedFragmentPaths = input.changes
    .filter(isChangedFragment)
    .map((c) => c.path)
    .sort();
  const declared = readChangedFragments(input.fragmentTexts);
  const changelogChanged = changedPaths.includes("CHANGELOG.md");
  const versions = readVersionChange(input.manifests);
  const missing = missingArtifacts(paths, changedFragmentPaths, changelogChanged, versions);
  const reasons = [
    ...declared.reasons,
    ...versions.reasons,
    ...intentReasons(paths, declared),
    ...versionBumpReasons(paths, declared, versions, missing),
    ...versionConsistencyReasons(input.manifests, versions.rootAfter),
    ...changelogReasons(input, changelogChanged),
  ];

  return {
    overall_status: missing.length === 0 && reasons.length === 0 ? "passed" : "failed",
    effective_classification: paths.releasable.length > 0 ? "releasable" : "exempt",
    effective_bump: paths.effectiveBump,
    declared_bump: declared.declaredBump,
    version_bump: versions.versionBump,
    version_before: versions.rootBefore ?? null,
    version_after: versions.rootAfter ?? null,
    missing_artifacts: missing,
    mismatch_reasons: reasons,
    applied_rules: paths.applied,
    changed_paths: changedPaths,
    changed_fragment_paths: changedFragmentPaths,
    fragments: declared.fragments.map((f) => ({
      path: f.path,
      change_id: f.change_id,
      release_intent: f.release_intent,
      summary: f.summary,
      release_preparation: f.release_preparation,
    })),
    release_preparation: declared.releasePreparation,
    metadata_only: paths.metadataOnly,
    changelog_changed: changelogChanged,
    range: input.range,
  };
}

/** Classifies every changed path; a manifest whose only change is its version is release metadata. */
function requiredByPaths(input: ValidationInput): PathRequirement {
  const versionOnlyManifests = new Set<string>();
  for (const change of input.changes) {
    if (change.kind !== "modified" || !MANIFESTS.includes(change.path)) continue;
    const m = input.manifests[change.path];
    if (m && isVersionOnlyChange(change.path, m.before, m.after)) versionOnlyManifests.add(change.path);
  }
  const applied: AppliedRule[] = input.changes
    .flatMap((c) => classifyChange(c, { versionOnlyManifests }))
    .sort((a, b) => byPath(a, b) || SIDE_ORDER[a.change] - SIDE_ORDER[b.change]);
  const releasable = applied.filter((r) => r.classification === "releasable");
  return {
    applied,
    releasable,
    effectiveBump: maxBump(releasable.map((r) => r.minimum_bump)),
    metadataOnly: applied.length > 0 && applied.every((r) => r.classification === "metadata"),
  };
}

function readChangedFragments(texts: ValidationInput["fragmentTexts"]): DeclaredIntent {
  const fragments: Fragment[] = [];
  const reasons: string[] = [];
  for (const { path, text } of [...texts].sort(byPath)) {
    const parsed = parseFragment(path, text);
    if (parsed.ok) fragments.push(parsed.fragment);
    else for (const e of parsed.errors) reasons.push(e.describe());
  }
  return {
    fragments,
    declaredBump: maxBump(fragments.map((f) => f.release_intent)),
    releasePreparation: fragments.some((f) => f.release_preparation),
    reasons,
  };
}

function readVersionChange(manifests: ValidationInput["manifests"]): VersionChange {
  const rootBefore = manifestVersion(manifests["package.json"]?.before);
  const rootAfter = manifestVersion(manifests["package.json"]?.after);
  const before = rootBefore === undefined ? undefined : parseVersion(rootBefore);
  const after = rootAfter === undefined ? undefined : parseVersion(rootAfter);
  const reasons: string[] = [];
  let versionBump: Transition | "initial" = "none";
  if (rootAfter === undefined) {
    reasons.push('package.json: has no version field; add "version": "X.Y.Z" (SemVer)');
  } else if (after === undefined) {
    reasons.push(`package.json: version '${rootAfter}' is not a SemVer version X.Y.Z`);
  } else if (rootBefore === undefined) {
    versionBump = "initial";
  } else if (before === undefined) {
    reasons.push(`package.json: the version at the start of the range ('${rootBefore}') is not SemVer`);
  } else {
    versionBump = classifyTransition(before, after);
    if (versionBump === "unsupported") {
      reasons.push(
        `package.json: version ${rootBefore} → ${rootAfter} is not a SemVer bump; ` +
          `use ${nextVersion(before, "patch")}, ${nextVersion(before, "minor")} or ${before.major + 1}.0.0`,
      );
    }
  }
  return { rootBefore, rootAfter, before, after, versionBump, reasons };
}

/** A releasable change set needs a fragment, a CHANGELOG.md change and a version bump. */
function missingArtifacts(
  paths: PathRequirement,
  changedFragmentPaths: string[],
  changelogChanged: boolean,
  versions: VersionChange,
): string[] {
  const missing: string[] = [];
  if (paths.releasable.length === 0) return missing;
  if (changedFragmentPaths.length === 0) missing.push(MISSING_FRAGMENT);
  if (!changelogChanged) missing.push(MISSING_CHANGELOG);
  if (versions.versionBump === "none") missing.push(MISSING_VERSION);
  return missing;
}

/**
 * The declared intents against the paths: at least the required bump, release_preparation only (and then
 * necessarily) for a metadata-only change set.
 */
function intentReasons(paths: PathRequirement, declared: DeclaredIntent): string[] {
  const reasons: string[] = [];
  const { releasable, effectiveBump } = paths;
  if (releasable.length > 0) {
    if (declared.fragments.length > 0 && bumpLower(declared.declaredBump, effectiveBump)) {
      const culprits = releasable
        .filter((r) => r.minimum_bump === effectiveBump)
        .map((r) => `${r.path} (${r.change}, ${r.rule_id})`);
      const shown =
        culprits.slice(0, 3).join(", ") + (culprits.length > 3 ? `, … ${culprits.length - 3} more` : "");
      reasons.push(
        `declared release intent ${declared.declaredBump} is lower than required ${effectiveBump}: ${shown}; ` +
          `raise release_intent in a fragment to ${effectiveBump}`,
      );
    }
    for (const f of declared.fragments.filter((x) => x.release_preparation)) {
      reasons.push(
        `${f.path}: release_preparation: true, but the change set has releasable changes; ` +
          "set release_preparation: false (it is only for metadata-only release preparation)",
      );
    }
  }
  if (paths.metadataOnly && !declared.releasePreparation) {
    reasons.push(
      "metadata-only change set (only CHANGELOG.md, changes/ fragments or version fields changed) needs a fragment " +
        "with release_preparation: true",
    );
  }
  return reasons;
}

/**
 * The version bump must carry the highest impact: the paths' requirement and every declared intent. The
 * intents of a metadata-only release preparation describe the release being prepared and are not re-checked.
 */
function versionBumpReasons(
  paths: PathRequirement,
  declared: DeclaredIntent,
  versions: VersionChange,
  missing: string[],
): string[] {
  const { effectiveBump } = paths;
  const { declaredBump } = declared;
  const { rootBefore, rootAfter, before, after, versionBump } = versions;
  const required: Bump = paths.metadataOnly ? "none" : maxBump([effectiveBump, declaredBump]);
  if (
    before === undefined ||
    after === undefined ||
    versionBump === "unsupported" ||
    versionBump === "initial" ||
    required === "none" ||
    (versionBump === "none" && missing.includes(MISSING_VERSION)) ||
    bumpSatisfies(versionBump, required, before)
  ) {
    return [];
  }
  const why =
    required === declaredBump && bumpLower(effectiveBump, declaredBump)
      ? `the highest declared release intent is ${declaredBump}`
      : `the change set requires ${effectiveBump}`;
  const zeroNote =
    effectiveRequirement(required, before) !== required
      ? " (while the major version is 0, a minor bump)"
      : "";
  const what =
    versionBump === "none"
      ? `version ${rootBefore} is unchanged`
      : `version ${rootBefore} → ${rootAfter} is a ${versionBump} bump`;
  return [`package.json: ${what}, but ${why}; expected at least ${nextVersion(before, required)}${zeroNote}`];
}

/** One version everywhere: every workspace package.json and package-lock.json carry the root version. */
function versionConsistencyReasons(
  manifests: ValidationInput["manifests"],
  rootAfter: string | undefined,
): string[] {
  const reasons: string[] = [];
  if (rootAfter === undefined) return reasons;
  for (const ws of WORKSPACE_MANIFESTS) {
    const text = manifests[ws]?.after;
    if (text === undefined) continue;
    const v = manifestVersion(text);
    if (v !== rootAfter) {
      reasons.push(
        `${ws}: version ${v === undefined ? "(none)" : v} differs from the root package.json version ` +
          `${rootAfter}; workspace packages carry the root version`,
      );
    }
  }
  for (const { field, version } of lockfileVersions(manifests["package-lock.json"]?.after)) {
    if (version !== rootAfter) {
      reasons.push(
        `package-lock.json: ${field} is ${version}, not the root version ${rootAfter}; ` +
          "run npm install --package-lock-only",
      );
    }
  }
  return reasons;
}

/** CHANGELOG.md keeps an `## [Unreleased]` section, and its generated block matches the pending fragments. */
function changelogReasons(input: ValidationInput, changelogChanged: boolean): string[] {
  const reasons: string[] = [];
  const hasUnreleased =
    input.changelogAfter !== undefined && unreleasedBody(input.changelogAfter) !== undefined;
  if (changelogChanged) {
    if (input.changelogAfter === undefined) {
      reasons.push("CHANGELOG.md: deleted; the project keeps its history in CHANGELOG.md (Keep a Changelog)");
    } else if (!hasUnreleased) {
      reasons.push("CHANGELOG.md: has no '## [Unreleased]' section; keep one above the released versions");
    }
  }
  if (input.changelogAfter !== undefined && hasUnreleased) {
    const stale = staleBlockReason(input.changelogAfter, input.pendingFragmentTexts);
    if (stale !== undefined) reasons.push(stale);
  }
  return reasons;
}

/** Why CHANGELOG.md's generated block is not what `core-ops-release changelog` writes, or undefined. */
function staleBlockReason(
  changelog: string,
  pending: ValidationInput["pendingFragmentTexts"],
): string | undefined {
  const parsed = pending.map((f) => parseFragment(f.path, f.text));
  const fragments = parsed.flatMap((r) => (r.ok ? [r.fragment] : []));
  try {
    const at = blockDifference(changelog, renderBlock(fragments));
    if (at === undefined) return undefined;
    return (
      `CHANGELOG.md:${at}: the block between the core-ops-release markers differs from what ` +
      `'core-ops-release changelog' writes for the ${fragments.length} pending fragment(s); run it ` +
      "(entries are edited in changes/<id>.md, never between the markers)"
    );
  } catch (e) {
    if (e instanceof ReleaseError) return e.describe();
    throw e;
  }
}
