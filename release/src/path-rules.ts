/**
 * Path rules: each changed path gets a classification (`metadata`, `exempt`, `releasable`), a minimum bump and
 * the id of the rule that decided it. First match wins. The table for this repository's layout is in
 * changes/README.md "Path rules". A rename is scored as its source deleted plus its destination added;
 * the higher impact wins — except a pure move: a content-identical rename between paths of the same class is one
 * `moved` side per path, at most a patch (the contract is the content, not where the file lives).
 */
import { z } from "zod";
import { type Bump, BumpSchema } from "./bump.js";

export type ChangeKind = "added" | "modified" | "deleted" | "renamed" | "copied";

/** One changed path as git reports it (renames and copies carry their source). */
export interface PathChange {
  kind: ChangeKind;
  path: string;
  from?: string;
  /** git's similarity index (0–100) of a rename or copy; 100 means the content is identical. */
  similarity?: number;
}

export const ClassificationSchema = z.enum(["metadata", "exempt", "releasable"]);
export type Classification = z.infer<typeof ClassificationSchema>;

/**
 * The side of a change a rule scores: a rename is a deleted source plus an added destination; a pure move
 * (content-identical rename within one class) is `moved` on both paths.
 */
export const ChangeSideSchema = z.enum(["added", "modified", "deleted", "moved"]);
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

/** The workspace packages; each carries the root package.json's version. */
export const WORKSPACE_MANIFESTS = ["agent/package.json", "harness/package.json", "release/package.json"];

export const MANIFESTS = ["package.json", ...WORKSPACE_MANIFESTS, "package-lock.json"];

/**
 * Contract surfaces (README.md "Contracts"): JSON view models, the status.json schema, the scenario schema, the exit
 * codes and core-ops-release's own result JSON. Add a path here when a new machine-readable contract lands.
 * Any change is at least minor; a deletion or rename is major. The fragment must say `major` when a
 * modification changes or removes a field.
 */
export const CONTRACT_SURFACES: readonly RegExp[] = [
  /^agent\/src\/views\//,
  /^agent\/src\/state\/status\.ts$/,
  /^harness\/scenario\.schema\.json$/,
  /^agent\/src\/errors\.ts$/,
  /^release\/src\/result\.ts$/,
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
      p.endsWith(".vm.ts") ||
      p.endsWith(".vm-setup.ts") ||
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
    matches: under("agent/src", "harness/src", "release/src"),
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
  if (side === "moved") return "patch";
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
    case "renamed": {
      const from = change.from ?? change.path;
      if (change.similarity === 100) {
        const moved = [classifyPath(from, "moved", ctx), classifyPath(change.path, "moved", ctx)];
        if (moved[0]?.classification === moved[1]?.classification) return moved;
      }
      return [
        classifyPath(change.from ?? change.path, "deleted", ctx),
        classifyPath(change.path, "added", ctx),
      ];
    }
  }
}
