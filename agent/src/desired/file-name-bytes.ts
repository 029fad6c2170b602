/**
 * File names that are not UTF-8. Node decodes such names lossily (U+FFFD), so a lossy name cannot be
 * opened again; the repository walk rejects them with the bytes shown as `\xNN` (README "Exit codes": 65).
 */
import { readdirSync } from "node:fs";

const REPLACEMENT = "\ufffd";

/** The names in `dir` whose bytes are not valid UTF-8 (only looked up when a listed name is lossy). */
export function nonUtf8Names(dir: string, listed: readonly string[]): Buffer[] {
  if (!listed.some((n) => n.includes(REPLACEMENT))) return [];
  return readdirSync(dir, { encoding: "buffer" })
    .filter((raw) => !Buffer.from(raw.toString("utf8"), "utf8").equals(raw))
    .sort(Buffer.compare);
}

/** A file name for messages: valid UTF-8 stays as it is, every other byte becomes `\xNN`. */
export function showFileName(raw: Buffer): string {
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const lead = raw[i] ?? 0;
    const len =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    const slice = len === 0 ? undefined : raw.subarray(i, i + len);
    const text = slice?.length === len ? slice.toString("utf8") : undefined;
    if (
      text !== undefined &&
      !text.includes(REPLACEMENT) &&
      Buffer.from(text, "utf8").equals(slice as Buffer)
    ) {
      out += text;
      i += len;
    } else {
      out += `\\x${lead.toString(16).padStart(2, "0")}`;
      i += 1;
    }
  }
  return out;
}
