/** Hashing a host file as a stream, in constant memory whatever its size (model/large-content.ts). */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { LargeContent } from "../model/large-content.js";

/** Hashes a file as a stream (constant memory), both whole and from after its first newline. */
export async function hashLargeFile(path: string): Promise<LargeContent> {
  const whole = createHash("sha256");
  const rest = createHash("sha256");
  let size = 0;
  let seenNewline = false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    whole.update(chunk);
    if (seenNewline) rest.update(chunk);
    else {
      const nl = chunk.indexOf(0x0a);
      if (nl >= 0) {
        seenNewline = true;
        rest.update(chunk.subarray(nl + 1));
      }
    }
  }
  return {
    size,
    digest: `sha256:${whole.digest("hex")}`,
    digestAfterFirstLine: `sha256:${rest.digest("hex")}`,
  };
}
