/**
 * The CHANGELOG.md entries a fragment proposes: its body, after the front matter, groups bullets under Keep a
 * Changelog headings (`### Added`, `### Changed`, `### Deprecated`, `### Removed`, `### Fixed`,
 * `### Security`). Prose before the first heading is the fragment's explanation and is not published. A bullet
 * starts with `- ` and continues on the following indented lines (changes/README.md).
 */
import { z } from "zod";
import { ReleaseError } from "./errors.js";

/** Keep a Changelog kinds in the order a changelog section lists them. */
export const ChangeKindSchema = z.enum(["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]);
export type ChangeKind = z.infer<typeof ChangeKindSchema>;
export const CHANGE_KINDS: readonly ChangeKind[] = ChangeKindSchema.options;

export interface ChangelogEntry {
  kind: ChangeKind;
  /** The bullet's lines exactly as written, the first starting with `- `. */
  lines: string[];
}

export type EntriesParse = { entries: ChangelogEntry[]; errors: ReleaseError[] };

const HEADING = /^###\s+(.*?)\s*$/;

/**
 * Parses the body lines of a fragment; `firstLine` is the 1-based file line of `body[0]`, so errors point at
 * the file's line.
 */
export function parseEntries(file: string, body: readonly string[], firstLine: number): EntriesParse {
  const entries: ChangelogEntry[] = [];
  const errors: ReleaseError[] = [];
  let kind: ChangeKind | undefined;
  let current: ChangelogEntry | undefined;
  const fail = (i: number, message: string, code: string, hint: string) =>
    errors.push(new ReleaseError(message, { code, file, line: firstLine + i, hint }));

  body.forEach((line, i) => {
    const heading = HEADING.exec(line);
    if (heading) {
      current = undefined;
      const parsed = ChangeKindSchema.safeParse(heading[1]);
      if (parsed.success) kind = parsed.data;
      else {
        kind = undefined;
        fail(
          i,
          `'### ${heading[1]}' is not a Keep a Changelog kind`,
          "fragment_kind_unknown",
          `use one of ${CHANGE_KINDS.map((k) => `### ${k}`).join(", ")}`,
        );
      }
      return;
    }
    if (kind === undefined) return; // prose before the first heading (or under an unknown one)
    if (line.startsWith("- ")) {
      current = { kind, lines: [line.trimEnd()] };
      entries.push(current);
    } else if (line.trim() === "") {
      current = undefined;
    } else if (current && /^\s+\S/.test(line)) {
      current.lines.push(line.trimEnd());
    } else {
      fail(
        i,
        `text under '### ${kind}' is neither a bullet ('- ') nor an indented continuation`,
        "fragment_entry_invalid",
        "write every entry as a '- ' bullet; put explanations above the first ### heading",
      );
    }
  });
  return { entries, errors };
}
