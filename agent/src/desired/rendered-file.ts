/**
 * Reading one rendered file (config/etc file or companion) of the repository, within the documented size
 * limit (README.md "Large files": 1 GiB); a larger file is a layout error naming it, before anything is read
 * into memory or written.
 */
import { readFileSync, statSync } from "node:fs";
import { layoutError } from "../errors.js";
import { MAX_RENDERED_FILE_BYTES } from "../model/large-content.js";

export function readRenderedFile(abs: string, rel: string): Buffer {
  const size = statSync(abs).size;
  if (size > MAX_RENDERED_FILE_BYTES)
    throw layoutError(
      `rendered file is ${size} bytes, above the limit of ${MAX_RENDERED_FILE_BYTES} bytes (1 GiB)`,
      {
        code: "file_too_large",
        file: rel,
        hint: "keep rendered files under 1 GiB: ship large data another way (a container image, a volume) and render only its configuration",
      },
    );
  return readFileSync(abs);
}
