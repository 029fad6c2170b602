/**
 * Drop-ins with systemd semantics: each drop-in is parsed on its own (sections do not carry over),
 * then its assignments are applied after the base file's, in the given order. Repeated keys keep
 * accumulating across files, an empty assignment in a drop-in resets what the base (or an earlier
 * drop-in) set, and for a single-valued key the last assignment wins — exactly what reading
 * `effectiveValues`/`lastValue` on the merged unit gives.
 */
import type { UnitFile } from "./parse.js";

/** Label placed before each drop-in's text in the merged `text` (like `systemctl cat`). */
export function dropInHeader(dropIn: UnitFile, index: number): string {
  return `# drop-in: ${dropIn.file ?? `#${index + 1}`}`;
}

/**
 * The unit with its drop-ins applied, in the given order (the caller sorts: systemd applies drop-ins
 * in lexical order of their file names, base layer before host layer in CoreOps).
 *
 * `entries` are authoritative (each keeps its own `line` and `file`). `text` is for display, in the
 * manner of `systemctl cat`: the base text, then each drop-in's text after a `# drop-in: <file>` line.
 */
export function applyDropIns(base: UnitFile, dropIns: UnitFile[]): UnitFile {
  const sections = [...base.sections];
  const entries = base.entries.map((e) => ({
    ...e,
    ...(e.file === undefined && base.file !== undefined ? { file: base.file } : {}),
  }));
  const texts = [base.text];
  dropIns.forEach((d, i) => {
    for (const s of d.sections) if (!sections.includes(s)) sections.push(s);
    for (const e of d.entries) {
      entries.push({ ...e, ...(e.file === undefined && d.file !== undefined ? { file: d.file } : {}) });
    }
    const previous = texts[texts.length - 1] ?? "";
    const sep = previous === "" || previous.endsWith("\n") ? "" : "\n";
    texts.push(`${sep}\n${dropInHeader(d, i)}\n${d.text}`);
  });
  return { text: texts.join(""), sections, entries, ...(base.file !== undefined ? { file: base.file } : {}) };
}
