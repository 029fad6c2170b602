import { createHash } from "node:crypto";

/** `sha256:<hex>` of text or bytes. */
export function sha256(data: string | Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
