import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GUIDANCE_SUBSECTIONS } from "./candidate.js";
import { ScaffoldError, scaffoldSpec } from "./scaffold.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("spec new", () => {
  it("scaffolds the Spec Kit layout from .specify/templates with every guidance subsection, once", async () => {
    const root = await mkdtemp(join(tmpdir(), "coreops-scaffold-"));
    dirs.push(root);
    await cp(join(ROOT, ".specify"), join(root, ".specify"), { recursive: true });
    const written = await scaffoldSpec(root, "mounts");
    expect(written.sort()).toEqual(
      [
        "contracts/README.md",
        "data-model.md",
        "plan.md",
        "quickstart.md",
        "research.md",
        "spec.md",
        "tasks.md",
      ].sort(),
    );
    expect((await readdir(join(root, "specs", "mounts"))).sort()).toEqual(
      ["contracts", "data-model.md", "plan.md", "quickstart.md", "research.md", "spec.md", "tasks.md"].sort(),
    );
    const spec = await readFile(join(root, "specs", "mounts", "spec.md"), "utf8");
    expect(spec).toMatch(/^# Feature: mounts$/m);
    for (const name of GUIDANCE_SUBSECTIONS) expect(spec).toContain(`### ${name}\n`);
    await expect(scaffoldSpec(root, "mounts")).rejects.toThrow(ScaffoldError);
    await expect(scaffoldSpec(root, "Bad Name")).rejects.toThrow(/lowercase letters/);
  });
});
