import { afterEach, describe, expect, it } from "vitest";
import { renderValidation } from "./render.js";
import { ValidationResultSchema } from "./result.js";
import { fragment, lockJson, packageJson, TestRepo, workspaceJson } from "./test-support/git-repo.js";
import { MISSING_CHANGELOG, MISSING_FRAGMENT, MISSING_VERSION } from "./validate.js";

let repo: TestRepo;
afterEach(async () => {
  await repo?.cleanup();
});

/** A complete releasable change: a new source file, its fragment, a CHANGELOG line and a minor bump. */
async function completeMinorChange(r: TestRepo): Promise<void> {
  await r.write("agent/src/plan.ts", "export const plan = 1;\n");
  await r.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
  await r.regenerateChangelog();
  await r.setVersion("0.2.0");
}

describe("validate on a real git repository", () => {
  it("passes a complete releasable change set in the working tree (untracked files count as added)", async () => {
    repo = await TestRepo.create();
    await completeMinorChange(repo);
    const r = await repo.validate();
    expect(r.mismatch_reasons).toEqual([]);
    expect(r.missing_artifacts).toEqual([]);
    expect(r).toMatchObject({
      overall_status: "passed",
      effective_classification: "releasable",
      effective_bump: "minor",
      declared_bump: "minor",
      version_bump: "minor",
      version_before: "0.1.0",
      version_after: "0.2.0",
      changed_fragment_paths: ["changes/0002-plan.md"],
      metadata_only: false,
      changelog_changed: true,
    });
    expect(r.range.head_commit).toBeNull();
    expect(r.applied_rules).toContainEqual({
      path: "agent/src/plan.ts",
      change: "added",
      rule_id: "typescript_source_surface",
      classification: "releasable",
      minimum_bump: "minor",
    });
    // A version-only manifest change is release metadata, not a releasable change.
    expect(r.applied_rules.find((a) => a.path === "package-lock.json")?.rule_id).toBe("release_metadata");
    expect(ValidationResultSchema.parse(r)).toEqual(r);
    expect(renderValidation(r)).toMatch(/^core-ops-release validate: PASSED/);
  });

  it("passes the same change set committed on a branch and checked with --base-ref/--head-ref", async () => {
    repo = await TestRepo.create();
    await repo.git("checkout", "-q", "-b", "feature");
    await completeMinorChange(repo);
    const head = await repo.commit("plan");
    await repo.git("checkout", "-q", "main");
    await repo.write("stray.txt", "untracked on main, not part of the range\n");
    const r = await repo.validate({ baseRef: "main", headRef: "feature" });
    expect(r.overall_status).toBe("passed");
    expect(r.range.head_commit).toBe(head);
    expect(r.changed_paths).not.toContain("stray.txt");
  });

  it("measures a branch from its merge base, so later commits on main do not count", async () => {
    repo = await TestRepo.create();
    await repo.git("checkout", "-q", "-b", "feature");
    await completeMinorChange(repo);
    await repo.commit("plan");
    await repo.git("checkout", "-q", "main");
    await repo.write("agent/src/other.ts", "export const other = 1;\n");
    await repo.commit("other work on main, without governance");
    const r = await repo.validate({ baseRef: "main", headRef: "feature" });
    expect(r.changed_paths).not.toContain("agent/src/other.ts");
    expect(r.overall_status).toBe("passed");
  });

  it("fails a releasable change without a fragment and says what to add", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    await repo.regenerateChangelog();
    await repo.setVersion("0.2.0");
    const r = await repo.validate();
    expect(r.overall_status).toBe("failed");
    // Without a fragment, nothing changes the generated CHANGELOG.md block either.
    expect(r.missing_artifacts).toEqual([MISSING_FRAGMENT, MISSING_CHANGELOG]);
    expect(renderValidation(r)).toContain(
      "changes/<change-id>.md: add a release-intent fragment changes/<change-id>.md with release_intent and summary",
    );
  });

  it("fails a releasable change without a CHANGELOG.md entry", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    await repo.setVersion("0.2.0");
    const r = await repo.validate();
    expect(r.missing_artifacts).toEqual([MISSING_CHANGELOG]);
    expect(renderValidation(r)).toContain("CHANGELOG.md: add the change's lines under '## [Unreleased]'");
  });

  it("fails a releasable change without a version bump and names the version to use", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    await repo.regenerateChangelog();
    const r = await repo.validate();
    expect(r.version_bump).toBe("none");
    expect(r.missing_artifacts).toEqual([MISSING_VERSION]);
    expect(r.mismatch_reasons).toEqual([]);
    expect(renderValidation(r)).toContain(
      "package.json version: bump the root package.json version to at least 0.2.0",
    );
  });

  it("fails when the declared intent is lower than the paths require, naming the paths and rules", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "patch"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.2.0");
    const r = await repo.validate();
    expect(r.mismatch_reasons).toEqual([
      "declared release intent patch is lower than required minor: agent/src/plan.ts (added, typescript_source_surface); raise release_intent in a fragment to minor",
    ]);
  });

  it("fails when the version bump is lower than the highest declared intent", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/apply.ts", "export const apply = 2;\n");
    await repo.write("changes/0002-apply.md", fragment("0002-apply", "minor"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.1.1");
    const r = await repo.validate();
    expect(r.effective_bump).toBe("patch");
    expect(r.mismatch_reasons).toEqual([
      "package.json: version 0.1.0 → 0.1.1 is a patch bump, but the highest declared release intent is minor; expected at least 0.2.0",
    ]);
  });

  it("fails when the version bump is lower than the paths require", async () => {
    repo = await TestRepo.create("1.4.2");
    await repo.remove("agent/src/apply.ts");
    await repo.write("changes/0002-drop.md", fragment("0002-drop", "major"));
    await repo.regenerateChangelog();
    await repo.setVersion("1.5.0");
    const r = await repo.validate();
    expect(r.effective_bump).toBe("major");
    expect(r.mismatch_reasons).toEqual([
      "package.json: version 1.4.2 → 1.5.0 is a minor bump, but the change set requires major; expected at least 2.0.0",
    ]);
  });

  it("a fragment in an otherwise exempt change set still needs its version bump", async () => {
    repo = await TestRepo.create();
    await repo.write("docs/guide.md", "# Guide\n\nMore.\n");
    await repo.write("changes/0002-docs.md", fragment("0002-docs", "patch"));
    await repo.regenerateChangelog();
    const r = await repo.validate();
    expect(r.effective_classification).toBe("exempt");
    expect(r.missing_artifacts).toEqual([]);
    expect(r.mismatch_reasons).toEqual([
      "package.json: version 0.1.0 is unchanged, but the highest declared release intent is patch; expected at least 0.1.1",
    ]);
  });

  it("while the major version is 0, a major intent is satisfied by a minor bump", async () => {
    repo = await TestRepo.create("0.3.1");
    await repo.remove("agent/src/apply.ts");
    await repo.write("changes/0002-drop.md", fragment("0002-drop", "major"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.4.0");
    const ok = await repo.validate();
    expect(ok.overall_status).toBe("passed");
    expect(ok).toMatchObject({ effective_bump: "major", declared_bump: "major", version_bump: "minor" });

    await repo.setVersion("0.3.2");
    const low = await repo.validate();
    expect(low.mismatch_reasons).toEqual([
      "package.json: version 0.3.1 → 0.3.2 is a patch bump, but the change set requires major; expected at least 0.4.0 (while the major version is 0, a minor bump)",
    ]);
  });

  it("rejects a version change that is not a SemVer bump", async () => {
    repo = await TestRepo.create("0.1.3");
    await repo.write("agent/src/apply.ts", "export const apply = 2;\n");
    await repo.write("changes/0002-apply.md", fragment("0002-apply", "patch"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.2.1");
    const r = await repo.validate();
    expect(r.version_bump).toBe("unsupported");
    expect(r.mismatch_reasons).toEqual([
      "package.json: version 0.1.3 → 0.2.1 is not a SemVer bump; use 0.1.4, 0.2.0 or 1.0.0",
    ]);
  });

  it("accepts several fragments in one change set and requires the highest intent", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    await repo.write("agent/src/apply.ts", "export const apply = 2;\n");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    await repo.write("changes/0003-apply-fix.md", fragment("0003-apply-fix", "patch"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.1.1");
    const low = await repo.validate();
    expect(low.declared_bump).toBe("minor");
    expect(low.changed_fragment_paths).toEqual(["changes/0002-plan.md", "changes/0003-apply-fix.md"]);
    expect(low.fragments.map((f) => f.release_intent)).toEqual(["minor", "patch"]);
    expect(low.mismatch_reasons).toHaveLength(1);
    expect(low.mismatch_reasons[0]).toMatch(
      /is a patch bump, but the change set requires minor; expected at least 0\.2\.0/,
    );

    await repo.setVersion("0.2.0");
    expect((await repo.validate()).overall_status).toBe("passed");
  });

  it("reports every invalid fragment with file, line and field", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    await repo.write("changes/0002-plan.md", fragment("0002-other", "minor"));
    await repo.write(
      "changes/0003-blank.md",
      "---\nchange_id: 0003-blank\nrelease_intent: minor\nsummary: '  '\n---\n",
    );
    await repo.setVersion("0.2.0");
    const r = await repo.validate();
    expect(r.fragments).toEqual([]);
    expect(r.missing_artifacts).toEqual([MISSING_CHANGELOG]);
    expect(r.mismatch_reasons).toEqual([
      "changes/0002-plan.md:2: change_id '0002-other' does not equal the file name '0002-plan' (change_id); set change_id: 0002-plan, or rename the file to changes/0002-other.md",
      "changes/0003-blank.md:4: summary: must not be blank (summary); write one line saying what changed for users",
    ]);
  });

  it("requires release_preparation: true for a metadata-only change set", async () => {
    repo = await TestRepo.create();
    await repo.setVersion("0.1.1");
    await repo.write("changes/0002-prep.md", fragment("0002-prep", "patch"));
    await repo.regenerateChangelog();
    const r = await repo.validate();
    expect(r.metadata_only).toBe(true);
    expect(r.effective_classification).toBe("exempt");
    expect(r.mismatch_reasons).toEqual([
      "metadata-only change set (only CHANGELOG.md, changes/ fragments or version fields changed) needs a fragment with release_preparation: true",
    ]);

    await repo.write("changes/0002-prep.md", fragment("0002-prep", "patch", "release_preparation: true\n"));
    const ok = await repo.validate();
    expect(ok.overall_status).toBe("passed");
    expect(ok.release_preparation).toBe(true);
  });

  it("rejects release_preparation: true on a change set with releasable changes", async () => {
    repo = await TestRepo.create();
    await completeMinorChange(repo);
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor", "release_preparation: true\n"));
    const r = await repo.validate();
    expect(r.mismatch_reasons).toEqual([
      "changes/0002-plan.md: release_preparation: true, but the change set has releasable changes; set release_preparation: false (it is only for metadata-only release preparation)",
    ]);
  });

  it("fails when a workspace package or the lockfile carries another version than the root", async () => {
    repo = await TestRepo.create();
    await completeMinorChange(repo);
    await repo.write("harness/package.json", workspaceJson("@core-ops/harness", "0.1.0"));
    await repo.write("package-lock.json", lockJson("0.2.0", "0.1.0"));
    const r = await repo.validate();
    expect(r.mismatch_reasons).toEqual([
      "harness/package.json: version 0.1.0 differs from the root package.json version 0.2.0; workspace packages carry the root version",
      'package-lock.json: packages["agent"].version is 0.1.0, not the root version 0.2.0; run npm install --package-lock-only',
      'package-lock.json: packages["harness"].version is 0.1.0, not the root version 0.2.0; run npm install --package-lock-only',
      'package-lock.json: packages["release"].version is 0.1.0, not the root version 0.2.0; run npm install --package-lock-only',
    ]);
  });

  it("fails when CHANGELOG.md loses its Unreleased section", async () => {
    repo = await TestRepo.create();
    await completeMinorChange(repo);
    await repo.write("CHANGELOG.md", "# Changelog\n\n- core-ops plan.\n");
    const r = await repo.validate();
    expect(r.mismatch_reasons).toEqual([
      "CHANGELOG.md: has no '## [Unreleased]' section; keep one above the released versions",
    ]);
  });

  it("scores an edited rename as source deleted plus destination added (the higher impact wins), a pure move as moved", async () => {
    repo = await TestRepo.create();
    const body = Array.from({ length: 12 }, (_, i) => `export const step${i} = ${i};\n`).join("");
    await repo.write("agent/src/apply.ts", body);
    await repo.commit("a longer apply module");
    await repo.git("mv", "agent/src/apply.ts", "agent/src/execute.ts");
    await repo.write("agent/src/execute.ts", `${body}export const extra = 1;\n`);
    await repo.git("mv", "docs/guide.md", "docs/handbook.md");
    await repo.write("changes/0002-rename.md", fragment("0002-rename", "minor"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.2.0");
    const r = await repo.validate();
    const rules = r.applied_rules.filter(
      (a) => !a.path.startsWith("changes/") && a.classification !== "metadata",
    );
    expect(rules).toEqual([
      {
        path: "agent/src/apply.ts",
        change: "deleted",
        rule_id: "typescript_source_surface",
        classification: "releasable",
        minimum_bump: "major",
      },
      {
        path: "agent/src/execute.ts",
        change: "added",
        rule_id: "typescript_source_surface",
        classification: "releasable",
        minimum_bump: "minor",
      },
      {
        path: "docs/guide.md",
        change: "moved",
        rule_id: "documentation_exempt",
        classification: "exempt",
        minimum_bump: "none",
      },
      {
        path: "docs/handbook.md",
        change: "moved",
        rule_id: "documentation_exempt",
        classification: "exempt",
        minimum_bump: "none",
      },
    ]);
    expect(r.effective_bump).toBe("major");
    expect(r.mismatch_reasons).toEqual([
      "declared release intent minor is lower than required major: agent/src/apply.ts (deleted, typescript_source_surface); raise release_intent in a fragment to major",
    ]);
  });

  it("scores a content-identical move as patch, on both paths, even for a contract surface", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/views/plan.ts", "export const view = 1;\n");
    await repo.commit("a view");
    await repo.write("agent/src/execute/.keep", "");
    await repo.git("mv", "agent/src/apply.ts", "agent/src/execute/apply.ts");
    await repo.remove("agent/src/execute/.keep");
    await repo.git("mv", "agent/src/views/plan.ts", "agent/src/views/plan-view.ts");
    await repo.write("changes/0002-move.md", fragment("0002-move", "patch"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.1.1");
    const r = await repo.validate();
    expect(r.applied_rules.filter((a) => a.change === "moved")).toEqual([
      {
        path: "agent/src/apply.ts",
        change: "moved",
        rule_id: "typescript_source_surface",
        classification: "releasable",
        minimum_bump: "patch",
      },
      {
        path: "agent/src/execute/apply.ts",
        change: "moved",
        rule_id: "typescript_source_surface",
        classification: "releasable",
        minimum_bump: "patch",
      },
      {
        path: "agent/src/views/plan-view.ts",
        change: "moved",
        rule_id: "contract_surface",
        classification: "releasable",
        minimum_bump: "patch",
      },
      {
        path: "agent/src/views/plan.ts",
        change: "moved",
        rule_id: "contract_surface",
        classification: "releasable",
        minimum_bump: "patch",
      },
    ]);
    expect(r).toMatchObject({ overall_status: "passed", effective_bump: "patch", version_bump: "patch" });

    // One changed byte makes it a rename again: the source counts as deleted.
    await repo.write("agent/src/execute/apply.ts", "export const apply = 2;\n");
    const edited = await repo.validate();
    expect(edited.effective_bump).toBe("major");
    expect(edited.overall_status).toBe("failed");
  });

  it("passes an exempt change set (docs and tests) without any release artifacts", async () => {
    repo = await TestRepo.create();
    await repo.write("docs/guide.md", "# Guide\n\nMore.\n");
    await repo.write("agent/src/apply.test.ts", "// more tests\n");
    await repo.write(".github/workflows/ci.yml", "name: ci\n");
    const r = await repo.validate();
    expect(r).toMatchObject({
      overall_status: "passed",
      effective_classification: "exempt",
      effective_bump: "none",
      metadata_only: false,
      missing_artifacts: [],
    });
  });

  it("treats a dependency change in package.json as releasable, not as version metadata", async () => {
    repo = await TestRepo.create();
    await repo.write("package.json", packageJson("0.1.0", { dependencies: { zod: "4.6.7" } }));
    const r = await repo.validate();
    expect(r.applied_rules).toContainEqual({
      path: "package.json",
      change: "modified",
      rule_id: "package_manifest_surface",
      classification: "releasable",
      minimum_bump: "patch",
    });
    expect(r.missing_artifacts).toEqual([MISSING_FRAGMENT, MISSING_CHANGELOG, MISSING_VERSION]);
  });

  it("gives contract surfaces a minor floor and accepted scenarios a patch floor", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/state/status.ts", "export const schema = 1;\n");
    await repo.commit("status");
    await repo.write("agent/src/state/status.ts", "export const schema = 2;\n");
    await repo.write("scenarios/convergence.yaml", "scenario_id: convergence\n");
    const r = await repo.validate();
    const pick = (p: string) => r.applied_rules.find((a) => a.path === p);
    expect(pick("agent/src/state/status.ts")).toMatchObject({
      rule_id: "contract_surface",
      minimum_bump: "minor",
    });
    expect(pick("scenarios/convergence.yaml")).toMatchObject({
      rule_id: "accepted_scenario_patch_floor",
      minimum_bump: "patch",
    });
    expect(r.effective_bump).toBe("minor");
  });

  it("without refs, checks the working tree against HEAD, else the last commit", async () => {
    repo = await TestRepo.create();
    await completeMinorChange(repo);
    const dirty = await repo.validate({});
    expect(dirty.range).toMatchObject({ base_ref: "HEAD", head_commit: null });
    expect(dirty.overall_status).toBe("passed");
    const head = await repo.commit("plan");
    const clean = await repo.validate({});
    expect(clean.range).toMatchObject({ base_ref: "HEAD~1", head_ref: "HEAD", head_commit: head });
    expect(clean.overall_status).toBe("passed");
  });

  it("refuses --head-ref without --base-ref and names unknown refs", async () => {
    repo = await TestRepo.create();
    await expect(repo.validate({ headRef: "main" })).rejects.toThrow("--head-ref requires --base-ref");
    await expect(repo.validate({ baseRef: "origin/nope" })).rejects.toThrow(
      /ref 'origin\/nope' does not name a commit in /,
    );
  });
});
