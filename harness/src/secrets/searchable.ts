/**
 * The searchable view of a text for redaction: escapes decoded and whitespace dropped, so a secret is found
 * whatever a guest or a serializer did to it on the way — JSON escapes (`\n`, `\/`, `\u002b`, also escaped
 * twice), percent-encoding (`%2B`, `%0A`), line wrapping at any width, CR/LF. Each character of the view
 * remembers where it came from in the original text and whether a line break or a space preceded it. Pure.
 */

/** No separator before this character of the view. */
export const GAP_NONE = 0;
/** Spaces or tabs before it. */
export const GAP_SPACE = 1;
/** A line break (raw, `\n`, `%0A`) before it. */
export const GAP_LINE = 2;

export interface Searchable {
  /** The decoded characters, whitespace removed. */
  chars: string;
  /** Original offset of the first code unit each character came from. */
  start: Int32Array;
  /** Original offset just after the last code unit each character came from. */
  end: Int32Array;
  /** GAP_NONE, GAP_SPACE or GAP_LINE: what separated this character from the previous one. */
  gap: Uint8Array;
}

const HEX = /^[0-9A-Fa-f]+$/;

function gapOf(ch: string): number {
  if (ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v") return GAP_LINE;
  if (ch === " " || ch === "\t") return GAP_SPACE;
  return GAP_NONE;
}

/** One decoded unit at `i`: the character it stands for and how many code units it spans. */
function decodeAt(text: string, i: number): { ch: string; length: number } {
  const c = text[i] as string;
  if (c === "\\") {
    // JSON (or shell) escapes, possibly escaped again: `\\n`, `\\\/`, `\\u002b`.
    let j = i;
    while (text[j] === "\\") j++;
    const next = text[j];
    if (next === "n") return { ch: "\n", length: j + 1 - i };
    if (next === "r") return { ch: "\r", length: j + 1 - i };
    if (next === "t") return { ch: "\t", length: j + 1 - i };
    if (next === "/") return { ch: "/", length: j + 1 - i };
    if (next === "u") {
      const hex = text.slice(j + 1, j + 5);
      if (hex.length === 4 && HEX.test(hex)) {
        return { ch: String.fromCharCode(Number.parseInt(hex, 16)), length: j + 5 - i };
      }
    }
    return { ch: c, length: 1 };
  }
  if (c === "%") {
    const hex = text.slice(i + 1, i + 3);
    if (hex.length === 2 && HEX.test(hex)) {
      return { ch: String.fromCharCode(Number.parseInt(hex, 16)), length: 3 };
    }
  }
  return { ch: c, length: 1 };
}

export function searchable(text: string): Searchable {
  const chars: string[] = [];
  const start = new Int32Array(text.length);
  const end = new Int32Array(text.length);
  const gap = new Uint8Array(text.length);
  let pending = GAP_NONE;
  let n = 0;
  for (let i = 0; i < text.length; ) {
    const { ch, length } = decodeAt(text, i);
    const g = gapOf(ch);
    if (g !== GAP_NONE) {
      pending = Math.max(pending, g);
    } else {
      chars.push(ch);
      start[n] = i;
      end[n] = i + length;
      gap[n] = pending;
      pending = GAP_NONE;
      n++;
    }
    i += length;
  }
  return {
    chars: chars.join(""),
    start: start.subarray(0, n),
    end: end.subarray(0, n),
    gap: gap.subarray(0, n),
  };
}
