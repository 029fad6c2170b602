/**
 * Rendered host artifacts (config files under /etc and Quadlet companion files): by target path and
 * stable content. Content, mode, owner and group are material. A companion's managed marker line is not
 * material (it is stripped before hashing).
 */

import { sha256 } from "../digest.js";
import { LARGE_CONTENT_BYTES } from "../model/large-content.js";
import { fileDisplayId } from "./identity.js";
import type { NormalizedObject, ObjectFile } from "./managed-object.js";
import { hasManagedMarker, isText, stripManagedMarker } from "./marker.js";

export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;
}

export function normalizeArtifact(file: ObjectFile): NormalizedObject {
  const marked = file.role === "companion" && hasManagedMarker(file.bytes);
  const content = marked ? stripManagedMarker(file.bytes) : file.bytes;
  const large = file.large;
  const contentDigest = large ? (marked ? large.digestAfterFirstLine : large.digest) : sha256(content);
  const size = large ? large.size - (file.bytes.length - content.length) : content.length;
  const fields: Record<string, string> = {
    content: contentDigest,
    mode: formatMode(file.mode),
    owner: file.owner,
    group: file.group,
  };
  const material = `kind=rendered_artifact\npath=${file.path}\nmode=${fields.mode}\nowner=${file.owner}\ngroup=${file.group}\ncontent=${contentDigest}\n`;
  // Large contents are compared by digest and never turned into text (large-content.ts).
  const textual = !large && content.length <= LARGE_CONTENT_BYTES && isText(content);
  const body = textual
    ? content.toString("utf8")
    : `<${large || content.length > LARGE_CONTENT_BYTES ? "large" : "binary"} content ${contentDigest}, ${size} bytes>\n`;
  return {
    id: fileDisplayId(file.path),
    kind: "rendered_artifact",
    resourceType: "file",
    name: file.path,
    unit: null,
    files: [file],
    effective: textual ? content.toString("utf8") : null,
    material,
    digest: sha256(material),
    fields,
    diffText: `# mode ${fields.mode} owner ${file.owner}:${file.group}\n${body}${body.endsWith("\n") || body === "" ? "" : "\n"}`,
    deps: [],
    mount: null,
    notes: [],
  };
}
