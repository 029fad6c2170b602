/**
 * A faithful reader of systemd's unit-file syntax (systemd `conf-parser.c`, which Podman's Quadlet
 * parser mirrors). It parses for meaning and never rewrites: `UnitFile.text` is the original text.
 *
 * Rules reproduced from systemd:
 * - lines end at `\n`, `\r\n` or `\r`; a UTF-8 byte-order mark at the start is ignored;
 * - a line whose first non-blank character is `#` or `;` is a comment and is skipped, also in the
 *   middle of a continuation (systemd checks for comments before it joins continuation lines);
 * - a line ending in an odd number of backslashes continues on the next line: the final backslash
 *   becomes a space and the next line is appended as-is; a continuation still open at end of file
 *   is parsed as it stands; an empty line ends a continuation;
 * - `[Name]` opens a section; a repeated section header continues the same section;
 * - `Key = Value`: key and value are stripped of blanks (space, tab, CR, LF) around `=`; the value is
 *   kept raw (quotes and escapes are interpreted per key by systemd/Quadlet, not by the syntax);
 * - repeated keys accumulate in order; an empty assignment (`Key=`) resets a list.
 *
 * Deviations, on purpose: where systemd logs a warning and ignores the line (an assignment before any
 * section, a line without `=`, a key name missing) this parser throws, because a silently ignored
 * line in a desired-state repository is a mistake the operator wants to hear about. Errors name the
 * first line of the logical line (systemd names the last line of a continuation).
 */
import { CoreOpsError } from "../errors.js";

export interface UnitEntry {
  section: string;
  key: string;
  /** Continuation-joined and stripped of surrounding blanks; otherwise raw. `""` is an empty assignment. */
  value: string;
  /** 1-based line where the assignment starts in its file. */
  line: number;
  /** The file the entry came from, when the parser was given one (set for drop-ins by `applyDropIns`). */
  file?: string;
}

export interface UnitFile {
  /** The original text, untouched (for a merged unit: see `applyDropIns`). */
  text: string;
  /** Section names in order of first appearance, each once. */
  sections: string[];
  /** Every assignment in file order. */
  entries: UnitEntry[];
  /** The file name or path the text was read from, when known. */
  file?: string;
}

const BLANKS = " \t\n\r";
const COMMENT_STARTS = "#;";
const BOM = "\uFEFF";

/** systemd's `strstrip`: remove space, tab, CR and LF on both ends (not other Unicode spaces). */
export function stripBlanks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && BLANKS.includes(s.charAt(start))) start++;
  while (end > start && BLANKS.includes(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

function isComment(line: string): boolean {
  for (const ch of line) {
    if (BLANKS.includes(ch)) continue;
    return COMMENT_STARTS.includes(ch);
  }
  return false;
}

/** True when the line ends in an odd number of backslashes, i.e. the last one escapes the newline. */
function endsWithEscape(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s.charAt(i) === "\\"; i--) n++;
  return n % 2 === 1;
}

/** systemd's `string_is_safe`: no control characters, no quotes, no backslash, no DEL. */
function isSafeSectionName(name: string): boolean {
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c === 0x7f || ch === '"' || ch === "'" || ch === "\\") return false;
  }
  return true;
}

function syntaxError(message: string, file: string | undefined, line: number, hint: string): CoreOpsError {
  return new CoreOpsError(message, {
    code: "unit_syntax",
    ...(file !== undefined ? { file } : {}),
    line,
    hint,
  });
}

/** Parse a unit file (systemd unit or Quadlet file or drop-in). Throws `CoreOpsError` code `unit_syntax`. */
export function parseUnitFile(text: string, file?: string): UnitFile {
  const state: ParseState = { sections: [], entries: [], section: undefined };
  for (const { text: l, line } of logicalLines(physicalLines(text, file))) parseLogical(state, l, line, file);
  return { text, sections: state.sections, entries: state.entries, ...(file !== undefined ? { file } : {}) };
}

/** What parsing has found so far: sections in order of first appearance, entries, the current section. */
interface ParseState {
  sections: string[];
  entries: UnitEntry[];
  section: string | undefined;
}

/** The lines of the text, without a leading BOM; a NUL byte is an error. */
function physicalLines(text: string, file: string | undefined): string[] {
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    const line = text.slice(0, nul).split(/\r\n|\r|\n/).length;
    throw syntaxError(
      "unit file contains a NUL byte",
      file,
      line,
      "unit files are text; remove the NUL byte",
    );
  }
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/);
  // A final line terminator does not start another line.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Joins backslash continuations (skipping comments inside them, as systemd does); each with its first line. */
function logicalLines(lines: readonly string[]): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let continuation: string | undefined;
  let continuationStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const lineNo = i + 1;
    if (isComment(raw)) continue; // also inside a continuation, as systemd does
    const joined = continuation === undefined ? raw : continuation + raw;
    if (continuation === undefined) continuationStart = lineNo;
    if (endsWithEscape(joined)) {
      continuation = `${joined.slice(0, -1)} `;
      continue;
    }
    continuation = undefined;
    out.push({ text: joined, line: continuationStart });
  }
  if (continuation !== undefined) out.push({ text: continuation, line: continuationStart });
  return out;
}

/** One logical line: blank, a `[Section]` header, or a `Key=Value` assignment inside a section. */
function parseLogical(state: ParseState, raw: string, lineNo: number, file: string | undefined): void {
  const l = stripBlanks(raw);
  if (l === "") return;
  if (l.startsWith("[")) {
    const name = sectionName(l, lineNo, file);
    state.section = name;
    if (!state.sections.includes(name)) state.sections.push(name);
    return;
  }
  const eq = l.indexOf("=");
  const section = state.section;
  if (section === undefined) {
    throw syntaxError(
      `assignment outside of any section: '${l}'`,
      file,
      lineNo,
      "put a section header such as [Unit], [Service] or [Container] before the first key",
    );
  }
  if (eq < 0) {
    throw syntaxError(
      `missing '=' in line '${l}'`,
      file,
      lineNo,
      "each line is 'Key=Value', a '[Section]' header, a '#'/';' comment, or empty",
    );
  }
  const key = stripBlanks(l.slice(0, eq));
  if (key === "") {
    throw syntaxError(`missing key name before '=' in line '${l}'`, file, lineNo, "write 'Key=Value'");
  }
  const value = stripBlanks(l.slice(eq + 1));
  state.entries.push({ section, key, value, line: lineNo, ...(file !== undefined ? { file } : {}) });
}

function sectionName(header: string, lineNo: number, file: string | undefined): string {
  if (!header.endsWith("]")) {
    throw syntaxError(
      `invalid section header '${header}'`,
      file,
      lineNo,
      "a section header is '[Name]' alone on its line, nothing after the ']'",
    );
  }
  const name = header.slice(1, -1);
  if (name === "" || !isSafeSectionName(name)) {
    throw syntaxError(
      `bad section name in header '${header}'`,
      file,
      lineNo,
      "section names are non-empty and contain no quotes, backslashes or control characters",
    );
  }
  return name;
}

/**
 * The effective list of a key: assignments accumulate in order, an empty assignment clears what came
 * before. For a single-valued key the last element is the effective value.
 */
export function effectiveValues(unit: UnitFile, section: string, key: string): string[] {
  let values: string[] = [];
  for (const e of unit.entries) {
    if (e.section !== section || e.key !== key) continue;
    if (e.value === "") values = [];
    else values.push(e.value);
  }
  return values;
}

/**
 * The last assignment of a key (systemd semantics for a single-valued key), `undefined` when the key
 * is never assigned. An empty last assignment returns `""` (systemd: reset to the default).
 */
export function lastValue(unit: UnitFile, section: string, key: string): string | undefined {
  for (let i = unit.entries.length - 1; i >= 0; i--) {
    const e = unit.entries[i];
    if (e !== undefined && e.section === section && e.key === key) return e.value;
  }
  return undefined;
}

/** All entries of a section, in order (duplicate section headers merged). */
export function sectionEntries(unit: UnitFile, section: string): UnitEntry[] {
  return unit.entries.filter((e) => e.section === section);
}
