import { describe, expect, it } from "vitest";
import { classifyChange, classifyPath } from "./path-rules.js";

const ctx = { versionOnlyManifests: new Set(["agent/package.json"]) };

describe("path rules", () => {
  it.each([
    ["CHANGELOG.md", "modified", "release_metadata", "none"],
    ["changes/0009-x.md", "added", "release_metadata", "none"],
    ["agent/package.json", "modified", "release_metadata", "none"],
    ["changes/README.md", "modified", "documentation_exempt", "none"],
    ["docs/anything.txt", "added", "documentation_exempt", "none"],
    ["specs/011/spec.md", "added", "documentation_exempt", "none"],
    ["harness/src/NOTES.md", "added", "documentation_exempt", "none"],
    ["agent/src/plan/plan.test.ts", "added", "tests_and_ci_exempt", "none"],
    ["agent/src/views/plan.test.ts", "modified", "tests_and_ci_exempt", "none"],
    ["agent/src/desired/test-support/tree.ts", "added", "tests_and_ci_exempt", "none"],
    ["harness/src/run/guest-panic.vm.ts", "added", "tests_and_ci_exempt", "none"],
    ["harness/src/machine.vm-setup.ts", "modified", "tests_and_ci_exempt", "none"],
    [".github/workflows/ci.yml", "modified", "tests_and_ci_exempt", "none"],
    [".ci/run", "modified", "tests_and_ci_exempt", "none"],
    ["biome.json", "modified", "development_tooling_exempt", "none"],
    ["agent/src/views/plan.ts", "added", "contract_surface", "minor"],
    ["agent/src/views/plan.ts", "modified", "contract_surface", "minor"],
    ["agent/src/views/plan.ts", "deleted", "contract_surface", "major"],
    ["agent/src/state/status.ts", "modified", "contract_surface", "minor"],
    ["harness/scenario.schema.json", "modified", "contract_surface", "minor"],
    ["agent/src/errors.ts", "modified", "contract_surface", "minor"],
    ["release/src/result.ts", "modified", "contract_surface", "minor"],
    ["release/src/result.ts", "moved", "contract_surface", "patch"],
    ["agent/src/plan/plan.ts", "moved", "typescript_source_surface", "patch"],
    ["docs/guide.md", "moved", "documentation_exempt", "none"],
    ["scenarios/convergence.yaml", "added", "accepted_scenario_patch_floor", "patch"],
    ["scenarios/convergence.yaml", "deleted", "accepted_scenario_patch_floor", "patch"],
    ["repos/layered-demo/v1/hosts/demo-uat/host.yaml", "modified", "repository_fixture_patch_floor", "patch"],
    ["agent/src/plan/plan.ts", "added", "typescript_source_surface", "minor"],
    ["harness/src/run/run.ts", "modified", "typescript_source_surface", "patch"],
    ["harness/src/run/run.ts", "deleted", "typescript_source_surface", "major"],
    ["release/src/cli/main.ts", "added", "typescript_source_surface", "minor"],
    ["README.md", "modified", "packaged_readme_surface", "patch"],
    ["package.json", "modified", "package_manifest_surface", "patch"],
    ["agent/deploy/core-ops.timer", "added", "unclassified_path_releasable_default", "minor"],
    ["LICENSE", "modified", "unclassified_path_releasable_default", "patch"],
  ] as const)("%s (%s) → %s, %s", (path, side, rule, bump) => {
    const r = classifyPath(path, side, ctx);
    expect(r.rule_id).toBe(rule);
    expect(r.minimum_bump).toBe(bump);
  });

  it("scores a rename as both sides and a copy as an addition", () => {
    expect(classifyChange({ kind: "renamed", from: "docs/a.md", path: "agent/src/a.ts" }, ctx)).toEqual([
      {
        path: "docs/a.md",
        change: "deleted",
        rule_id: "documentation_exempt",
        classification: "exempt",
        minimum_bump: "none",
      },
      {
        path: "agent/src/a.ts",
        change: "added",
        rule_id: "typescript_source_surface",
        classification: "releasable",
        minimum_bump: "minor",
      },
    ]);
    // Content-identical, but across classes (a document becomes source): still deleted plus added.
    expect(
      classifyChange(
        { kind: "renamed", from: "docs/a.md", path: "agent/src/a.ts", similarity: 100 },
        ctx,
      ).map((r) => r.change),
    ).toEqual(["deleted", "added"]);
    expect(
      classifyChange(
        {
          kind: "renamed",
          from: "harness/src/release/result.ts",
          path: "release/src/result.ts",
          similarity: 100,
        },
        ctx,
      ).map((r) => [r.change, r.minimum_bump]),
    ).toEqual([
      ["moved", "patch"],
      ["moved", "patch"],
    ]);
    expect(classifyChange({ kind: "copied", from: "agent/src/a.ts", path: "agent/src/b.ts" }, ctx)).toEqual([
      {
        path: "agent/src/b.ts",
        change: "added",
        rule_id: "typescript_source_surface",
        classification: "releasable",
        minimum_bump: "minor",
      },
    ]);
  });
});
