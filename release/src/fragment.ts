/**
 * Release-intent fragments: `changes/<change-id>.md`, YAML front matter between `---` lines, then the body:
 * free text, then the CHANGELOG.md entries under Keep a Changelog headings (entries.ts). The zod schema is the
 * source of truth for the front matter; every problem is reported with file, line and field.
 */
import { isMap, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ReleaseIntentSchema } from "./bump.js";
import { type ChangelogEntry, parseEntries } from "./entries.js";
import { ReleaseError } from "./errors.js";
import type { PathChange } from "./path-rules.js";

const CHANGE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const FragmentFrontMatterSchema = z.strictObject({
  change_id: z.string().regex(CHANGE_ID, "must match ^[A-Za-z0-9][A-Za-z0-9._-]*$"),
  release_intent: ReleaseIntentSchema,
  summary: z
    .string()
    .refine((s) => s.trim() !== "", "must not be blank")
    .transform((s) => s.trim()),
  release_preparation: z.boolean().default(false),
  scope: z.string().optional(),
});
export type FragmentFrontMatter = z.infer<typeof FragmentFrontMatterSchema>;

export interface Fragment extends FragmentFrontMatter {
  /** Repository-relative path, e.g. `changes/0009-release-governance.md`. */
  path: string;
  /** The CHANGELOG.md entries the body proposes, in the order written. */
  entries: ChangelogEntry[];
}

export type FragmentParse = { ok: true; fragment: Fragment } | { ok: false; errors: ReleaseError[] };

/** `changes/<id>.md` directly under `changes/`, except `changes/README.md`. */
export function isFragmentPath(p: string): boolean {
  return /^changes\/[^/]+\.md$/.test(p) && p !== "changes/README.md";
}

/** A change that leaves a fragment at the end of the range (added, modified, renamed or copied to one). */
export function isChangedFragment(change: PathChange): boolean {
  return change.kind !== "deleted" && isFragmentPath(change.path);
}

const HINTS: Record<string, string> = {
  change_id: "set change_id to the file name without .md",
  release_intent: "set release_intent: patch | minor | major (see changes/README.md)",
  summary: "write one line saying what changed for users",
  release_preparation: "use release_preparation: true or false",
};

/** Builds a `ReleaseError` about one fragment file; line, field and hint only when known. */
type FragmentErrorFactory = (
  message: string,
  code: string,
  line?: number,
  field?: string,
  hint?: string,
) => ReleaseError;

/** One step of reading a fragment: its value, or the errors that end the parse. */
type Step<T> = { ok: true; value: T } | { ok: false; errors: ReleaseError[] };

/** A parsed front matter document, with the file line of each top-level key. */
interface FrontMatterYaml {
  raw: unknown;
  lineOf: (key: string) => number | undefined;
}

export function parseFragment(path: string, text: string): FragmentParse {
  const err = fragmentErrorFactory(path);
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const close = frontMatterEnd(lines, err);
  if (!close.ok) return close;
  const yaml = parseFrontMatterYaml(lines.slice(1, close.value), err);
  if (!yaml.ok) return yaml;
  const frontMatter = checkFrontMatter(path, yaml.value, err);
  if (!frontMatter.ok) return frontMatter;
  return readEntries(path, lines, close.value, frontMatter.value, err);
}

function fragmentErrorFactory(path: string): FragmentErrorFactory {
  return (message, code, line, field, hint) =>
    new ReleaseError(message, {
      code,
      file: path,
      ...(line !== undefined ? { line } : {}),
      ...(field !== undefined ? { field } : {}),
      ...(hint !== undefined ? { hint } : {}),
    });
}

/** The index of the closing `---` line, after checking the file opens with one. */
function frontMatterEnd(lines: string[], err: FragmentErrorFactory): Step<number> {
  if (lines[0]?.trim() !== "---") {
    return {
      ok: false,
      errors: [
        err(
          "does not start with YAML front matter",
          "fragment_front_matter_missing",
          1,
          undefined,
          "begin the file with a '---' line, the fields, and a closing '---' line (see changes/README.md)",
        ),
      ],
    };
  }
  const close = lines.findIndex((l, i) => i > 0 && l.trim() === "---");
  if (close < 0) {
    return {
      ok: false,
      errors: [
        err(
          "front matter is not closed",
          "fragment_front_matter_unclosed",
          1,
          undefined,
          "add a '---' line after the last field",
        ),
      ],
    };
  }
  return { ok: true, value: close };
}

/** Parses the lines between the `---` lines as YAML; line n of the YAML text is line n + 1 of the file. */
function parseFrontMatterYaml(yamlLines: string[], err: FragmentErrorFactory): Step<FrontMatterYaml> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlLines.join("\n"), { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) =>
        err(
          `front matter is not valid YAML: ${(e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`,
          "fragment_yaml_invalid",
          e.linePos ? e.linePos[0].line + 1 : undefined,
        ),
      ),
    };
  }
  const lineOf = (key: string): number | undefined => {
    if (!isMap(doc.contents)) return undefined;
    for (const pair of doc.contents.items) {
      const k = pair.key as { value?: unknown; range?: [number, number, number] } | null;
      if (k && k.value === key && k.range) return lineCounter.linePos(k.range[0]).line + 1;
    }
    return undefined;
  };
  return { ok: true, value: { raw: doc.toJS(), lineOf } };
}

/** Checks the front matter against the schema, then that change_id equals the file name. */
function checkFrontMatter(
  path: string,
  { raw, lineOf }: FrontMatterYaml,
  err: FragmentErrorFactory,
): Step<FragmentFrontMatter> {
  const parsed = FragmentFrontMatterSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => schemaIssueError(issue, raw, lineOf, err)),
    };
  }
  const expectedId = path.replace(/^.*\//, "").replace(/\.md$/, "");
  if (parsed.data.change_id !== expectedId) {
    return {
      ok: false,
      errors: [
        err(
          `change_id '${parsed.data.change_id}' does not equal the file name '${expectedId}'`,
          "fragment_change_id_mismatch",
          lineOf("change_id"),
          "change_id",
          `set change_id: ${expectedId}, or rename the file to changes/${parsed.data.change_id}.md`,
        ),
      ],
    };
  }
  return { ok: true, value: parsed.data };
}

/** One schema issue as an error naming the field, its line when the field is present, and what to write. */
function schemaIssueError(
  issue: z.core.$ZodIssue,
  raw: unknown,
  lineOf: FrontMatterYaml["lineOf"],
  err: FragmentErrorFactory,
): ReleaseError {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return err(
      `unknown field ${issue.keys.map((k) => `'${k}'`).join(", ")}`,
      "fragment_field_unknown",
      lineOf(key),
      key,
      "the fields are change_id, release_intent, summary, release_preparation and scope",
    );
  }
  const field = issue.path.map(String).join(".") || "(front matter)";
  const key = String(issue.path[0] ?? "");
  const present = raw !== null && typeof raw === "object" && key in raw;
  const detail = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  const message = present ? `${field}: ${detail}` : `${field} is missing`;
  return err(message, "fragment_field_invalid", present ? lineOf(key) : undefined, field, HINTS[key]);
}

/** Reads the body's CHANGELOG.md entries; only a release preparation may propose none. */
function readEntries(
  path: string,
  lines: string[],
  close: number,
  frontMatter: FragmentFrontMatter,
  err: FragmentErrorFactory,
): FragmentParse {
  const { entries, errors } = parseEntries(path, lines.slice(close + 1), close + 2);
  if (errors.length > 0) return { ok: false, errors };
  if (entries.length === 0 && !frontMatter.release_preparation) {
    return {
      ok: false,
      errors: [
        err(
          "proposes no CHANGELOG.md entry",
          "fragment_entries_missing",
          close + 1,
          undefined,
          "add a '### Added' (Changed, Deprecated, Removed, Fixed, Security) heading with '- ' bullets below the front matter",
        ),
      ],
    };
  }
  return { ok: true, fragment: { ...frontMatter, path, entries } };
}
