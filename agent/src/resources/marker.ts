/**
 * The managed marker. Every unit, Quadlet and (text) companion file CoreOps writes starts with the line
 * `# Managed by CoreOps`. It is a comment, so it is never material for normalization; it is how CoreOps
 * recognises its own files without state. `managedFileBytes` renders the exact bytes to write — the apply
 * step MUST use it, so plan and apply agree byte for byte.
 */
import { isUtf8 } from "node:buffer";
import { extname } from "node:path";

export const MANAGED_MARKER = "# Managed by CoreOps";
const MARKER_LINE = `${MANAGED_MARKER}\n`;

/** True when the first line of `head` is exactly the marker (a trailing CR or blanks tolerated). */
export function hasManagedMarker(head: Buffer | string): boolean {
  const s = typeof head === "string" ? head : head.subarray(0, 256).toString("utf8");
  const nl = s.indexOf("\n");
  const first = (nl < 0 ? s : s.slice(0, nl)).replace(/^\uFEFF/, "").trimEnd();
  return first === MANAGED_MARKER;
}

/** The bytes CoreOps writes for a unit/Quadlet/drop-in/companion: marker line, then the content (once). */
export function managedFileBytes(content: Buffer | string): Buffer {
  const buf = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  if (hasManagedMarker(buf)) return buf;
  return Buffer.concat([Buffer.from(MARKER_LINE, "utf8"), buf]);
}

/** The content without a leading marker line (what the repository holds). */
export function stripManagedMarker(bytes: Buffer): Buffer {
  if (!hasManagedMarker(bytes)) return bytes;
  const nl = bytes.indexOf(0x0a);
  return nl < 0 ? Buffer.alloc(0) : bytes.subarray(nl + 1);
}

/** The text of a managed file without its marker line. */
export function managedText(bytes: Buffer): string {
  const s = bytes.toString("utf8");
  if (s.startsWith(MARKER_LINE)) return s.slice(MARKER_LINE.length);
  if (!hasManagedMarker(s)) return s;
  const nl = s.indexOf("\n");
  return nl < 0 ? "" : s.slice(nl + 1);
}

/** Whether bytes are UTF-8 text without NUL (binary companions cannot carry a comment line). */
export function isText(bytes: Buffer): boolean {
  return isUtf8(bytes) && !bytes.includes(0);
}

/**
 * Companion files carry the marker when `#` starts a comment in them: UTF-8 text that is not JSON
 * (Kubernetes YAML, env files, containers.conf modules, Containerfiles). JSON and binary companions are
 * written verbatim and owned through the state inventory only.
 */
export function companionCarriesMarker(relPath: string, content: Buffer): boolean {
  return extname(relPath).toLowerCase() !== ".json" && isText(content);
}
