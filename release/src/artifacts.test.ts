import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { planRelease, writeArtifacts } from "./artifacts.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CHANGELOG =
  "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-11-29\n\n### Added\n\n- Two.\n\n## [0.1.0] - 2026-10-01\n\n- One.\n";
const pkg = (v: string) => JSON.stringify({ name: "core-ops", version: v });

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("release artifacts", () => {
  it("cuts the notes from the version's released section", () => {
    expect(planRelease(pkg("0.2.0"), CHANGELOG, "v0.2.0")).toEqual({
      version: "0.2.0",
      tag: "v0.2.0",
      notes: "### Added\n\n- Two.\n",
    });
    expect(planRelease(pkg("0.1.0"), CHANGELOG).notes).toBe("- One.\n");
  });

  it("refuses a tag that is not the package.json version, and a version without a released section", () => {
    expect(() => planRelease(pkg("0.2.0"), CHANGELOG, "v0.2.1")).toThrow(
      "tag v0.2.1 does not name the package.json version 0.2.0",
    );
    expect(() => planRelease(pkg("0.3.0"), CHANGELOG, "v0.3.0")).toThrow(
      "has no released '## [0.3.0] - <date>' section with entries",
    );
  });

  it("this repository's current version and the earlier tags would pass", async () => {
    const text = await readFile(path.join(ROOT, "CHANGELOG.md"), "utf8");
    const version = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")).version as string;
    for (const v of [version, "0.3.0", "0.2.0"]) {
      expect(planRelease(pkg(v), text, `v${v}`).notes.length).toBeGreaterThan(100);
    }
  });

  it("writes the binary, a sha512sum-format checksum and the notes", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "release-artifacts-"));
    const built = path.join(dir, "core-ops");
    await writeFile(built, "binary bytes");
    const r = await writeArtifacts(planRelease(pkg("0.2.0"), CHANGELOG), built, path.join(dir, "out"));
    expect(await readFile(r.binary, "utf8")).toBe("binary bytes");
    const sha512 = createHash("sha512").update("binary bytes").digest("hex");
    expect(await readFile(r.checksum, "utf8")).toBe(`${sha512}  core-ops-linux-x86_64\n`);
    expect(await readFile(r.notes, "utf8")).toBe("### Added\n\n- Two.\n");
  });
});
