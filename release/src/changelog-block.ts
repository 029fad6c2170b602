/**
 * The generated part of CHANGELOG.md: under `## [Unreleased]`, between `<!-- core-ops-release:start -->` and
 * `<!-- core-ops-release:end -->`, the entries of the pending fragments grouped by Keep a Changelog kind (in
 * kind order; within a kind, by fragment file name, then in the fragment's order). Everything outside the
 * markers is hand-written and left alone. Pure text functions.
 */
import { CHANGE_KINDS, type ChangelogEntry } from "./entries.js";
import { ReleaseError } from "./errors.js";

export const BLOCK_START = "<!-- core-ops-release:start -->";
export const BLOCK_END = "<!-- core-ops-release:end -->";

export interface EntrySource {
  path: string;
  entries: readonly ChangelogEntry[];
}

/** The lines of the release notes for `fragments`: `### Kind`, blank, bullets, blank between kinds. */
export function renderEntries(fragments: readonly EntrySource[]): string[] {
  const sorted = [...fragments].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const out: string[] = [];
  for (const kind of CHANGE_KINDS) {
    const bullets = sorted.flatMap((f) => f.entries.filter((e) => e.kind === kind).flatMap((e) => e.lines));
    if (bullets.length === 0) continue;
    if (out.length > 0) out.push("");
    out.push(`### ${kind}`, "", ...bullets);
  }
  return out;
}

/** The block as it must stand in CHANGELOG.md, markers included. */
export function renderBlock(fragments: readonly EntrySource[]): string[] {
  const body = renderEntries(fragments);
  return body.length === 0 ? [BLOCK_START, BLOCK_END] : [BLOCK_START, "", ...body, "", BLOCK_END];
}

export interface BlockPosition {
  lines: string[];
  /** Index of the start marker line. */
  start: number;
  /** Index of the end marker line. */
  end: number;
}

/** Finds the one marker pair below `## [Unreleased]`; a typed error naming the line otherwise. */
export function findBlock(text: string): BlockPosition {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const err = (message: string, code: string, line?: number) =>
    new ReleaseError(message, {
      code,
      file: "CHANGELOG.md",
      ...(line !== undefined ? { line } : {}),
      hint: `keep '${BLOCK_START}' and '${BLOCK_END}' (once each) directly under '## [Unreleased]'; core-ops-release changelog fills them`,
    });
  const starts = lines.flatMap((l, i) => (l.trim() === BLOCK_START ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.trim() === BLOCK_END ? [i] : []));
  if (starts.length !== 1 || ends.length !== 1) {
    throw err(
      `needs exactly one start and one end marker (found ${starts.length} and ${ends.length})`,
      "changelog_markers_missing",
    );
  }
  const start = starts[0] as number;
  const end = ends[0] as number;
  if (end < start)
    throw err("the end marker comes before the start marker", "changelog_markers_order", end + 1);
  const unreleased = lines.findIndex((l) => /^## \[unreleased\]/i.test(l));
  const nextSection = lines.findIndex((l, i) => i > unreleased && l.startsWith("## "));
  if (unreleased < 0 || unreleased > start || (nextSection >= 0 && nextSection < end)) {
    throw err("the markers are not inside '## [Unreleased]'", "changelog_markers_misplaced", start + 1);
  }
  return { lines, start, end };
}

/** The block as it stands in `text` (marker lines included). */
export function currentBlock(text: string): string[] {
  const { lines, start, end } = findBlock(text);
  return lines.slice(start, end + 1);
}

/** `text` with the block replaced by `block`; every other byte unchanged. */
export function replaceBlock(text: string, block: readonly string[]): string {
  const { lines, start, end } = findBlock(text);
  return [...lines.slice(0, start), ...block, ...lines.slice(end + 1)].join("\n");
}

/** The 1-based line of the first difference between the block in `text` and `expected`, or undefined. */
export function blockDifference(text: string, expected: readonly string[]): number | undefined {
  const { lines, start, end } = findBlock(text);
  const actual = lines.slice(start, end + 1);
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) if (actual[i] !== expected[i]) return start + i + 1;
  return undefined;
}
