/**
 * Path rules: each changed path gets a classification (`metadata`, `exempt`, `releasable`), a minimum bump and
 * the id of the rule that decided it. First match wins. Adapted from the original's table to this
 * repository's layout (DESIGN §1). A rename is scored as its source deleted plus its destination added; the
 * higher impact wins.
 */
import { z } from "zod";
import { type Bump, BumpSchema } from "./bump.js";

export type ChangeKind = "added" | "modified" | "deleted" | "renamed" | "copied";

/** One changed path as git reports it (renames and copies carry their source). */
export interface PathChange {
  kind: ChangeKind;
  path: string;
  from?: string;
}

export const ClassificationSchema = z.enum(["metadata", "exempt", "releasable"]);
export type Classification = z.infer<typeof ClassificationSchema>;

/** The side of a change a rule scores: a rename is a deleted source plus an added destination. */
export const ChangeSideSchema = z.enum(["added", "modified", "deleted"]);
export type ChangeSide = z.infer<typeof ChangeSideSchema>;

export const AppliedRuleSchema = z.object({
  path: z.string(),
  change: ChangeSideSchema,
  rule_id: z.string(),
  classification: ClassificationSchema,
  minimum_bump: BumpSchema,
});
export type AppliedRule = z.infer<typeof AppliedRuleSchema>;

/** How a releasable rule turns a change side into a minimum bump. */
type Scoring = "by_kind" | "patch_floor" | "contract";

interface Rule {
  id: string;
  classification: Classification;
  scoring?: Scoring;
  matches(path: string, ctx: RuleContext): boolean;
}

export interface RuleContext {
  /** Manifests (package.json files, package-lock.json) whose only change in the range is the version. */
  versionOnlyManifests: ReadonlySet<string>;
}

export const MANIFESTS = ["package.json", "agent/package.json", "harness/package.json", "package-lock.json"];

/**
 * Contract surfaces (DESIGN §3, §4): JSON view models, the status.json schema, the scenario schema, the exit
 * codes and core-ops-release's own result JSON. Add a path here when a new machine-readable contract lands.
 * Any change is at least minor; a deletion or rename is major. The fragment must say `major` when a
 * modification changes or removes a field.
 */
export const CONTRACT_SURFACES: readonly RegExp[] = [
  /^agent\/src\/views\//,
  /^agent\/src\/state\/status\.ts$/,
  /^harness\/scenario\.schema\.json$/,
  /^agent\/src\/errors\.ts$/,
  /^harness\/src\/release\/result\.ts$/,
];

const under = (...dirs: string[]) => {
  return (p: string) => dirs.some((d) => p.startsWith(`${d}/`));
};

export const RULES: readonly Rule[] = [
  {
    id: "release_metadata",
    classification: "metadata",
    matches: (p, ctx) =>
      p === "CHANGELOG.md" ||
      (/^changes\/[^/]+\.md$/.test(p) && p !== "changes/README.md") ||
      ctx.versionOnlyManifests.has(p),
  },
  {
    id: "documentation_exempt",
    classification: "exempt",
    matches: (p) => under("docs", "specs")(p) || (p.endsWith(".md") && p !== "README.md"),
  },
  {
    id: "tests_and_ci_exempt",
    classification: "exempt",
    matches: (p) =>
      under("tests", ".github", ".ci", "harness/test-fixtures")(p) ||
      p.endsWith(".test.ts") ||
      p.includes("/test-support/"),
  },
  {
    id: "development_tooling_exempt",
    classification: "exempt",
    matches: (p) =>
      ["biome.json", "tsconfig.check.json", ".gitignore", ".gitattributes", ".editorconfig"].includes(p),
  },
  {
    id: "contract_surface",
    classification: "releasable",
    scoring: "contract",
    matches: (p) => CONTRACT_SURFACES.some((re) => re.test(p)),
  },
  {
    id: "accepted_scenario_patch_floor",
    classification: "releasable",
    scoring: "patch_floor",
    matches: under("scenarios"),
  },
  {
    id: "repository_fixture_patch_floor",
    classification: "releasable",
    scoring: "patch_floor",
    matches: under("repos"),
  },
  {
    id: "typescript_source_surface",
    classification: "releasable",
    scoring: "by_kind",
    matches: under("agent/src", "harness/src"),
  },
  {
    id: "packaged_readme_surface",
    classification: "releasable",
    scoring: "by_kind",
    matches: (p) => p === "README.md",
  },
  {
    id: "package_manifest_surface",
    classification: "releasable",
    scoring: "by_kind",
    matches: (p) => MANIFESTS.includes(p),
  },
  {
    id: "unclassified_path_releasable_default",
    classification: "releasable",
    scoring: "by_kind",
    matches: () => true,
  },
];

function score(scoring: Scoring, side: ChangeSide): Bump {
  switch (scoring) {
    case "patch_floor":
      return "patch";
    case "contract":
      return side === "deleted" ? "major" : "minor";
    case "by_kind":
      return side === "added" ? "minor" : side === "modified" ? "patch" : "major";
  }
}

export function classifyPath(path: string, side: ChangeSide, ctx: RuleContext): AppliedRule {
  const rule = RULES.find((r) => r.matches(path, ctx));
  // The last rule matches everything; the fallback keeps the type checker and a reader equally sure.
  const r = rule ?? (RULES[RULES.length - 1] as Rule);
  return {
    path,
    change: side,
    rule_id: r.id,
    classification: r.classification,
    minimum_bump: r.classification === "releasable" && r.scoring ? score(r.scoring, side) : "none",
  };
}

/** The rules applied to one change: one entry, or two for a rename (source deleted, destination added). */
export function classifyChange(change: PathChange, ctx: RuleContext): AppliedRule[] {
  switch (change.kind) {
    case "added":
    case "copied":
      return [classifyPath(change.path, "added", ctx)];
    case "modified":
      return [classifyPath(change.path, "modified", ctx)];
    case "deleted":
      return [classifyPath(change.path, "deleted", ctx)];
    case "renamed":
      return [
        classifyPath(change.from ?? change.path, "deleted", ctx),
        classifyPath(change.path, "added", ctx),
      ];
  }
}
