/** Reading a unit or drop-in file as text: at most 1 MiB, valid UTF-8, no NUL bytes. */
import { readFileSync } from "node:fs";
import { layoutError } from "../errors.js";
import type { Entry } from "./walk.js";

export const MAX_UNIT_FILE_BYTES = 1024 * 1024;

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function readUnitText(entry: Pick<Entry, "abs" | "rel" | "size">): string {
  if (entry.size > MAX_UNIT_FILE_BYTES) {
    throw layoutError(`unit file '${entry.rel}' is ${entry.size} bytes, more than the 1 MiB limit`, {
      code: "unit_too_large",
      file: entry.rel,
      hint: "unit files are small text files; move large data into a companion or config file",
    });
  }
  return decodeUnitText(readFileSync(entry.abs), entry.rel);
}

export function decodeUnitText(bytes: Uint8Array, file: string): string {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw layoutError(`unit file '${file}' is not valid UTF-8 text`, {
      code: "unit_not_text",
      file,
      line: firstBadLine(bytes),
      hint: "save the file as UTF-8 text",
    });
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    throw layoutError(`unit file '${file}' contains a NUL byte; it is not text`, {
      code: "unit_not_text",
      file,
      line: text.slice(0, nul).split("\n").length,
      hint: "unit files are UTF-8 text; remove the binary content",
    });
  }
  return text;
}

/** 1-based line of the first byte sequence that is not UTF-8. */
function firstBadLine(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}
