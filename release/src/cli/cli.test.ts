/** The built `core-ops-release` binary, run as a process against real temp repositories. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { ValidationResultSchema } from "../result.js";
import { fragment, TestRepo } from "../test-support/git-repo.js";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/core-ops-release.js");
const run = (args: string[], cwd: string) => execa("node", [BIN, ...args], { cwd, reject: false });

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("core-ops-release (built binary)", () => {
  it("validate exits 1 with reasons, and --json prints only the result document", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    const human = await run(["validate", "--base-ref", "main"], repo.dir);
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toContain("core-ops-release validate: FAILED");
    expect(human.stdout).toContain("  - CHANGELOG.md: add the change's lines under '## [Unreleased]'");

    const json = await run(["validate", "--repo-root", repo.dir, "--base-ref", "main", "--json"], "/");
    expect(json.exitCode).toBe(1);
    const result = ValidationResultSchema.parse(JSON.parse(json.stdout));
    expect(result.missing_artifacts).toEqual([
      "changes/<change-id>.md",
      "CHANGELOG.md",
      "package.json version",
    ]);
  });

  it("validate exits 0 for a complete change set and 2 for an unknown ref", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.2.0");
    const ok = await run(["validate", "--base-ref", "main"], repo.dir);
    expect(ok.stderr).toBe("");
    expect(ok.exitCode).toBe(0);
    const bad = await run(["validate", "--base-ref", "origin/main"], repo.dir);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("error[ref_unknown]: ref 'origin/main' does not name a commit in");
    expect(bad.stderr).toContain("hint: fetch it first");
  });

  it("changelog regenerates the block, promote refuses a stale one, moves it and reports a version mismatch", async () => {
    repo = await TestRepo.create("0.2.0");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    const wrong = await run(["promote", "--version", "0.3.0"], repo.dir);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain(
      "error[version_mismatch]: package.json: --version 0.3.0 does not equal the package.json version 0.2.0 (version)",
    );
    const stale = await run(["promote", "--version", "0.2.0", "--date", "2026-11-29"], repo.dir);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain("error[changelog_block_stale]: CHANGELOG.md:8:");
    expect((await run(["changelog", "--check"], repo.dir)).exitCode).toBe(1);
    const regenerated = await run(["changelog"], repo.dir);
    expect(regenerated.stdout).toBe("CHANGELOG.md: block regenerated from 1 pending fragment(s)");
    expect(await run(["changelog", "--check"], repo.dir)).toMatchObject({ exitCode: 0 });
    const ok = await run(["promote", "--version", "0.2.0", "--date", "2026-11-29"], repo.dir);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toBe(
      "CHANGELOG.md: '## [Unreleased]' moved into '## [0.2.0] - 2026-11-29'\ndeleted changes/0002-plan.md",
    );
    expect((await run(["promote", "--version", "0.2.0", "--date", "2026-11-30"], repo.dir)).stdout).toBe(
      "CHANGELOG.md: '## [0.2.0]' already present; unchanged\nno fragments left to delete",
    );
  });
});
