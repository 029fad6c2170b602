import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { promoteChangelog } from "./changelog.js";
import { BLOCK_END, BLOCK_START } from "./changelog-block.js";
import { promote } from "./promote.js";
import { fragment, TestRepo } from "./test-support/git-repo.js";

const ENTRIES = ["### Added", "", "- New thing.", "", "### Fixed", "", "- Old bug."];
const CHANGELOG = `# Changelog

Intro.

## [Unreleased]

${BLOCK_START}

${ENTRIES.join("\n")}

${BLOCK_END}

## [0.1.0] - 2026-10-01

### Added

- First.

[Unreleased]: https://example.invalid/compare/v0.1.0...HEAD
`;

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe("promoteChangelog", () => {
  it("moves the entries into a version section below Unreleased and empties the block", () => {
    const out = promoteChangelog(CHANGELOG, "0.2.0", "2026-11-29", ENTRIES);
    expect(out.changed).toBe(true);
    expect(out.text).toBe(`# Changelog

Intro.

## [Unreleased]

${BLOCK_START}
${BLOCK_END}

## [0.2.0] - 2026-11-29

### Added

- New thing.

### Fixed

- Old bug.

## [0.1.0] - 2026-10-01

### Added

- First.

[Unreleased]: https://example.invalid/compare/v0.1.0...HEAD
`);
    // Re-running for the same version is a no-op.
    expect(promoteChangelog(out.text, "0.2.0", "2026-11-30", [])).toEqual({ text: out.text, changed: false });
  });

  it("stops the Unreleased body before trailing link references when no version follows", () => {
    const text = `# Changelog\n\n## [Unreleased]\n\n${BLOCK_START}\n\n- A.\n\n${BLOCK_END}\n\n[Unreleased]: https://example.invalid/x\n`;
    expect(promoteChangelog(text, "1.0.0", "2026-11-29", ["- A."]).text).toBe(
      `# Changelog\n\n## [Unreleased]\n\n${BLOCK_START}\n${BLOCK_END}\n\n## [1.0.0] - 2026-11-29\n\n- A.\n\n[Unreleased]: https://example.invalid/x\n`,
    );
  });

  it("refuses to promote nothing, to fold new entries into an old version, or a file without Unreleased", () => {
    const promoted = promoteChangelog(CHANGELOG, "0.2.0", "2026-11-29", ENTRIES).text;
    expect(() => promoteChangelog(promoted, "0.3.0", "2026-11-29", [])).toThrow(
      "no pending fragment proposes an entry; nothing to promote",
    );
    expect(() => promoteChangelog(promoted, "0.2.0", "2026-11-29", ["- Later."])).toThrow(
      "already has a '## [0.2.0]' section, and 1 more line(s) are pending",
    );
    expect(() => promoteChangelog("# Changelog\n", "0.2.0", "2026-11-29", ENTRIES)).toThrow(
      "has no '## [Unreleased]' section",
    );
  });
});

describe("promote in a repository", () => {
  it("rewrites CHANGELOG.md, deletes the fragments but not README.md, and is idempotent", async () => {
    repo = await TestRepo.create("0.2.0");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    await repo.write("changes/0003-fix.md", fragment("0003-fix", "patch"));
    await repo.regenerateChangelog();
    const first = await promote({ repoRoot: repo.dir, version: "0.2.0", date: "2026-11-29" });
    expect(first).toEqual({
      version: "0.2.0",
      date: "2026-11-29",
      changelog_changed: true,
      deleted_fragments: ["changes/0002-plan.md", "changes/0003-fix.md"],
    });
    const changelog = await repo.read("CHANGELOG.md");
    expect(changelog).toContain(
      `## [Unreleased]\n\n${BLOCK_START}\n${BLOCK_END}\n\n## [0.2.0] - 2026-11-29\n\n### Added\n\n- Change 0002-plan.\n- Change 0003-fix.\n\n## [0.1.0]`,
    );
    expect(await readdir(path.join(repo.dir, "changes"))).toEqual(["README.md"]);

    const second = await promote({ repoRoot: repo.dir, version: "0.2.0", date: "2026-11-30" });
    expect(second).toMatchObject({ changelog_changed: false, deleted_fragments: [] });
    expect(await repo.read("CHANGELOG.md")).toBe(changelog);
  });

  it("refuses a stale block (a hand edit or a fragment not yet regenerated), changing nothing", async () => {
    repo = await TestRepo.create("0.2.0");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    const before = await repo.read("CHANGELOG.md");
    await expect(promote({ repoRoot: repo.dir, version: "0.2.0", date: "2026-11-29" })).rejects.toThrow(
      "the generated block differs from the pending fragments",
    );
    expect(await repo.read("CHANGELOG.md")).toBe(before);
    expect((await readdir(path.join(repo.dir, "changes"))).sort()).toEqual(["0002-plan.md", "README.md"]);
  });

  it("checks the version against package.json and the arguments' form, changing nothing on error", async () => {
    repo = await TestRepo.create("0.2.0");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    await repo.regenerateChangelog();
    const before = await repo.read("CHANGELOG.md");
    await expect(promote({ repoRoot: repo.dir, version: "0.3.0", date: "2026-11-29" })).rejects.toThrow(
      "--version 0.3.0 does not equal the package.json version 0.2.0",
    );
    await expect(promote({ repoRoot: repo.dir, version: "0.2", date: "2026-11-29" })).rejects.toThrow(
      "--version '0.2' is not a SemVer version",
    );
    await expect(promote({ repoRoot: repo.dir, version: "0.2.0", date: "29.11.2026" })).rejects.toThrow(
      "--date '29.11.2026' is not a date",
    );
    expect(await repo.read("CHANGELOG.md")).toBe(before);
    expect((await readdir(path.join(repo.dir, "changes"))).sort()).toEqual(["0002-plan.md", "README.md"]);
  });
});
