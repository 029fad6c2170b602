import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BLOCK_END, BLOCK_START, findBlock, renderBlock, replaceBlock } from "./changelog-block.js";
import { parseAll, readFragmentTexts } from "./pending.js";
import { fragment, TestRepo } from "./test-support/git-repo.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("the generated CHANGELOG.md block", () => {
  it("this repository's CHANGELOG.md is exactly what core-ops-release changelog writes", async () => {
    const text = await readFile(path.join(ROOT, "CHANGELOG.md"), "utf8");
    const fragments = parseAll(await readFragmentTexts(ROOT));
    expect(replaceBlock(text, renderBlock(fragments))).toBe(text);
  });

  it("groups entries by kind in Keep a Changelog order, fragments by file name", () => {
    const entry = (kind: "Added" | "Fixed" | "Security", line: string) => ({ kind, lines: [`- ${line}`] });
    expect(
      renderBlock([
        { path: "changes/0002-b.md", entries: [entry("Fixed", "b fix"), entry("Added", "b add")] },
        { path: "changes/0001-a.md", entries: [entry("Security", "a sec"), entry("Added", "a add")] },
      ]),
    ).toEqual([
      BLOCK_START,
      "",
      "### Added",
      "",
      "- a add",
      "- b add",
      "",
      "### Fixed",
      "",
      "- b fix",
      "",
      "### Security",
      "",
      "- a sec",
      "",
      BLOCK_END,
    ]);
    expect(renderBlock([])).toEqual([BLOCK_START, BLOCK_END]);
  });

  it("names missing, doubled or misplaced markers", () => {
    expect(() => findBlock("# Changelog\n\n## [Unreleased]\n")).toThrow(
      "needs exactly one start and one end marker (found 0 and 0)",
    );
    expect(() =>
      findBlock(`## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n\n${BLOCK_START}\n${BLOCK_END}\n`),
    ).toThrow("the markers are not inside '## [Unreleased]'");
  });

  it("validate catches a hand edit between the markers, but not outside them", async () => {
    repo = await TestRepo.create();
    await repo.write("agent/src/plan.ts", "export const plan = 1;\n");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    await repo.regenerateChangelog();
    await repo.setVersion("0.2.0");
    expect((await repo.validate()).overall_status).toBe("passed");

    const generated = await repo.read("CHANGELOG.md");
    await repo.write(
      "CHANGELOG.md",
      generated.replace("- Change 0002-plan.", "- Change 0002-plan, improved."),
    );
    const edited = await repo.validate();
    expect(edited.overall_status).toBe("failed");
    expect(edited.mismatch_reasons).toEqual([
      "CHANGELOG.md:11: the block between the core-ops-release markers differs from what 'core-ops-release changelog' writes for the 1 pending fragment(s); run it (entries are edited in changes/<id>.md, never between the markers)",
    ]);

    await repo.write("CHANGELOG.md", generated.replace("- The first thing.", "- The very first thing."));
    expect((await repo.validate()).overall_status).toBe("passed");
  });
});
