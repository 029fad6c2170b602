/**
 * CHANGELOG.md in Keep a Changelog form, hand-written: `## [Unreleased]` collects the entries of changes not yet
 * released; `## [X.Y.Z] - YYYY-MM-DD` sections hold released ones. `promoteChangelog` moves the Unreleased body
 * into a version section. Pure text functions; the CLI reads and writes the file.
 */
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

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]?.trim() === "") a++;
  while (b > a && lines[b - 1]?.trim() === "") b--;
  return lines.slice(a, b);
}

export interface PromoteOutcome {
  text: string;
  /** False when the version section already existed and Unreleased was empty (idempotent re-run). */
  changed: boolean;
}

/**
 * Moves the Unreleased body into `## [version] - date` directly below an empty `## [Unreleased]`, keeping one
 * blank line between sections. Re-running for a version that is already promoted is a no-op; entries that
 * arrived after that promotion are never folded into an old version.
 */
export function promoteChangelog(text: string, version: string, date: string): PromoteOutcome {
  const { lines, unreleased, unreleasedEnd } = layoutOf(text);
  if (unreleased < 0) {
    throw new ReleaseError("has no '## [Unreleased]' section", {
      code: "changelog_unreleased_missing",
      file: "CHANGELOG.md",
      hint: "add a '## [Unreleased]' heading above the released versions (Keep a Changelog)",
    });
  }
  const body = trimBlank(lines.slice(unreleased + 1, unreleasedEnd));
  if (hasVersionSection(text, version)) {
    if (body.length === 0) return { text, changed: false };
    throw new ReleaseError(
      `already has a '## [${version}]' section, and '## [Unreleased]' holds ${body.length} more line(s)`,
      {
        code: "changelog_version_exists",
        file: "CHANGELOG.md",
        line: unreleased + 1,
        hint: "these entries belong to the next release: bump package.json and promote that version",
      },
    );
  }
  if (body.length === 0) {
    throw new ReleaseError("'## [Unreleased]' has no entries; nothing to promote", {
      code: "changelog_unreleased_empty",
      file: "CHANGELOG.md",
      line: unreleased + 1,
      hint: "add the release's entries under ## [Unreleased] (### Added / Changed / Fixed) first",
    });
  }
  const before = trimBlank(lines.slice(0, unreleased));
  const after = trimBlank(lines.slice(unreleasedEnd));
  const out = [
    ...(before.length > 0 ? [...before, ""] : []),
    lines[unreleased] ?? "## [Unreleased]",
    "",
    `## [${version}] - ${date}`,
    "",
    ...body,
    ...(after.length > 0 ? ["", ...after] : []),
  ];
  return { text: `${out.join("\n")}\n`, changed: true };
}
