/**
 * `core-ops-release changelog`: rewrites only the generated block of CHANGELOG.md (changelog-block.ts) from
 * the pending fragments; `check` reports whether it would change instead of writing.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { blockDifference, renderBlock, replaceBlock } from "./changelog-block.js";
import { ReleaseError } from "./errors.js";
import type { Fragment } from "./fragment.js";
import { parseAll, readFragmentTexts } from "./pending.js";

export async function readChangelogAndFragments(
  root: string,
): Promise<{ text: string; fragments: Fragment[] }> {
  const text = await readFile(path.join(root, "CHANGELOG.md"), "utf8").catch(() => undefined);
  if (text === undefined) {
    throw new ReleaseError("does not exist", {
      code: "changelog_missing",
      file: "CHANGELOG.md",
      hint: "create CHANGELOG.md with a '## [Unreleased]' section holding the core-ops-release markers",
    });
  }
  return { text, fragments: parseAll(await readFragmentTexts(root)) };
}

export interface RegenerateReport {
  /** True when the block differed from the pending fragments (and, unless checking, was rewritten). */
  changed: boolean;
  /** 1-based line of the first difference, when changed. */
  first_difference: number | null;
  fragments: string[];
}

export async function regenerateChangelog(repoRoot: string, check: boolean): Promise<RegenerateReport> {
  const root = path.resolve(repoRoot);
  const { text, fragments } = await readChangelogAndFragments(root);
  const block = renderBlock(fragments);
  const at = blockDifference(text, block);
  if (at !== undefined && !check) await writeFile(path.join(root, "CHANGELOG.md"), replaceBlock(text, block));
  return { changed: at !== undefined, first_difference: at ?? null, fragments: fragments.map((f) => f.path) };
}
