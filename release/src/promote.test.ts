import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { promoteChangelog } from "./changelog.js";
import { promote } from "./promote.js";
import { fragment, TestRepo } from "./test-support/git-repo.js";

const CHANGELOG = `# Changelog

Intro.

## [Unreleased]

### Added

- New thing.

### Fixed

- Old bug.

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
  it("moves the Unreleased body into a version section below an empty Unreleased", () => {
    const out = promoteChangelog(CHANGELOG, "0.2.0", "2026-11-29");
    expect(out.changed).toBe(true);
    expect(out.text).toBe(`# Changelog

Intro.

## [Unreleased]

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
    expect(promoteChangelog(out.text, "0.2.0", "2026-11-30")).toEqual({ text: out.text, changed: false });
  });

  it("stops the Unreleased body before trailing link references when no version follows", () => {
    const text = "# Changelog\n\n## [Unreleased]\n\n- A.\n\n[Unreleased]: https://example.invalid/x\n";
    expect(promoteChangelog(text, "1.0.0", "2026-11-29").text).toBe(
      "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-11-29\n\n- A.\n\n[Unreleased]: https://example.invalid/x\n",
    );
  });

  it("refuses to promote nothing, to fold new entries into an old version, or a file without Unreleased", () => {
    const promoted = promoteChangelog(CHANGELOG, "0.2.0", "2026-11-29").text;
    expect(() => promoteChangelog(promoted, "0.3.0", "2026-11-29")).toThrow(
      "'## [Unreleased]' has no entries; nothing to promote",
    );
    const more = promoted.replace("## [Unreleased]\n", "## [Unreleased]\n\n- Later.\n");
    expect(() => promoteChangelog(more, "0.2.0", "2026-11-29")).toThrow(
      "already has a '## [0.2.0]' section, and '## [Unreleased]' holds 1 more line(s)",
    );
    expect(() => promoteChangelog("# Changelog\n", "0.2.0", "2026-11-29")).toThrow(
      "has no '## [Unreleased]' section",
    );
  });
});

describe("promote in a repository", () => {
  it("rewrites CHANGELOG.md, deletes the fragments but not README.md, and is idempotent", async () => {
    repo = await TestRepo.create("0.2.0");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
    await repo.write("changes/0003-fix.md", fragment("0003-fix", "patch"));
    const first = await promote({ repoRoot: repo.dir, version: "0.2.0", date: "2026-11-29" });
    expect(first).toEqual({
      version: "0.2.0",
      date: "2026-11-29",
      changelog_changed: true,
      deleted_fragments: ["changes/0002-plan.md", "changes/0003-fix.md"],
    });
    const changelog = await repo.read("CHANGELOG.md");
    expect(changelog).toContain(
      "## [Unreleased]\n\n## [0.2.0] - 2026-11-29\n\n### Added\n\n- The first thing.\n",
    );
    expect(await readdir(path.join(repo.dir, "changes"))).toEqual(["README.md"]);

    const second = await promote({ repoRoot: repo.dir, version: "0.2.0", date: "2026-11-30" });
    expect(second).toMatchObject({ changelog_changed: false, deleted_fragments: [] });
    expect(await repo.read("CHANGELOG.md")).toBe(changelog);
  });

  it("checks the version against package.json and the arguments' form, changing nothing on error", async () => {
    repo = await TestRepo.create("0.2.0");
    await repo.write("changes/0002-plan.md", fragment("0002-plan", "minor"));
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
