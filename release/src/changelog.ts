/**
 * CHANGELOG.md in Keep a Changelog form: `## [Unreleased]` holds the generated block (changelog-block.ts) of
 * the pending fragments; `## [X.Y.Z] - YYYY-MM-DD` sections hold released entries. `promoteChangelog` moves
 * the release's entries into a version section and empties the block. Pure text functions; the CLI reads
 * and writes the file.
 */
import { BLOCK_END, BLOCK_START, currentBlock, replaceBlock } from "./changelog-block.js";
import { ReleaseError } from "./errors.js";

const SECTION = /^## \[([^\]]+)\]/;
const LINK_REFERENCE = /^\[[^\]]+\]:\s/;

export interface ChangelogLayout {
  lines: string[];
  /** Index of the `## [Unreleased]` heading line, or -1. */
  unreleased: number;
  /** Index one past the last line of the Unreleased body (the next `## ` heading or the trailing link block). */
  unreleasedEnd: number;
}

export function layoutOf(text: string): ChangelogLayout {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const unreleased = lines.findIndex((l) => SECTION.exec(l)?.[1]?.toLowerCase() === "unreleased");
  let end = lines.length;
  if (unreleased >= 0) {
    const next = lines.findIndex((l, i) => i > unreleased && l.startsWith("## "));
    if (next >= 0) end = next;
    else {
      // No later section: the body stops before a trailing block of link reference definitions.
      let i = lines.length;
      while (i > unreleased + 1 && (lines[i - 1]?.trim() === "" || LINK_REFERENCE.test(lines[i - 1] ?? "")))
        i--;
      end = lines.slice(i).some((l) => LINK_REFERENCE.test(l)) ? i : lines.length;
    }
  }
  return { lines, unreleased, unreleasedEnd: end };
}

/** The non-blank body of `## [Unreleased]` (without surrounding blank lines); undefined without the section. */
export function unreleasedBody(text: string): string[] | undefined {
  const { lines, unreleased, unreleasedEnd } = layoutOf(text);
  if (unreleased < 0) return undefined;
  return trimBlank(lines.slice(unreleased + 1, unreleasedEnd));
}

export function hasVersionSection(text: string, version: string): boolean {
  return layoutOf(text).lines.some((l) => SECTION.exec(l)?.[1] === version);
}

/** The body of `## [version]` (without surrounding blank lines); undefined when there is no such section. */
export function versionSection(text: string, version: string): string[] | undefined {
  const { lines } = layoutOf(text);
  const at = lines.findIndex((l) => SECTION.exec(l)?.[1] === version);
  if (at < 0) return undefined;
  const next = lines.findIndex((l, i) => i > at && (l.startsWith("## ") || LINK_REFERENCE.test(l)));
  return trimBlank(lines.slice(at + 1, next < 0 ? lines.length : next));
}

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]?.trim() === "") a++;
  while (b > a && lines[b - 1]?.trim() === "") b--;
  return lines.slice(a, b);
}

export interface PromoteOutcome {
  text: string;
  /** False when the version section already existed and nothing was pending (idempotent re-run). */
  changed: boolean;
}

/**
 * Moves `entries` (the rendered pending fragments, equal to the block's content) into `## [version] - date`
 * directly below `## [Unreleased]`, leaving the block empty. Re-running for a version that is already promoted
 * is a no-op; entries that arrived after that promotion are never folded into an old version.
 */
export function promoteChangelog(
  text: string,
  version: string,
  date: string,
  entries: readonly string[],
): PromoteOutcome {
  if (unreleasedBody(text) === undefined) {
    throw new ReleaseError("has no '## [Unreleased]' section", {
      code: "changelog_unreleased_missing",
      file: "CHANGELOG.md",
      hint: "add a '## [Unreleased]' heading above the released versions (Keep a Changelog)",
    });
  }
  const pending = currentBlock(text).filter((l) => l !== BLOCK_START && l !== BLOCK_END && l.trim() !== "");
  if (hasVersionSection(text, version)) {
    if (entries.length === 0 && pending.length === 0) return { text, changed: false };
    throw new ReleaseError(
      `already has a '## [${version}]' section, and ${Math.max(entries.length, pending.length)} more line(s) are pending`,
      {
        code: "changelog_version_exists",
        file: "CHANGELOG.md",
        hint: "these entries belong to the next release: bump package.json and promote that version",
      },
    );
  }
  if (entries.length === 0) {
    throw new ReleaseError("no pending fragment proposes an entry; nothing to promote", {
      code: "changelog_unreleased_empty",
      file: "CHANGELOG.md",
      hint: "add changes/<change-id>.md fragments with ### Added / Changed / Fixed entries first",
    });
  }
  const emptied = replaceBlock(text, [BLOCK_START, BLOCK_END]);
  const { lines, unreleasedEnd } = layoutOf(emptied);
  const before = trimBlank(lines.slice(0, unreleasedEnd));
  const after = trimBlank(lines.slice(unreleasedEnd));
  const out = [
    ...before,
    "",
    `## [${version}] - ${date}`,
    "",
    ...entries,
    ...(after.length > 0 ? ["", ...after] : []),
  ];
  return { text: `${out.join("\n")}\n`, changed: true };
}
