/**
 * Rendered host artifacts (config files under /etc and Quadlet companion files): by target path and
 * stable content. Content, mode, owner and group are material. A companion's managed marker line is not
 * material (it is stripped before hashing).
 */
import { sha256 } from "./digest.js";
import { fileDisplayId } from "./identity.js";
import type { NormalizedObject, ObjectFile } from "./managed-object.js";
import { isText, stripManagedMarker } from "./marker.js";

export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;
}

export function normalizeArtifact(file: ObjectFile): NormalizedObject {
  const content = file.role === "companion" ? stripManagedMarker(file.bytes) : file.bytes;
  const contentDigest = sha256(content);
  const fields: Record<string, string> = {
    content: contentDigest,
    mode: formatMode(file.mode),
    owner: file.owner,
    group: file.group,
  };
  const material = `kind=rendered_artifact\npath=${file.path}\nmode=${fields.mode}\nowner=${file.owner}\ngroup=${file.group}\ncontent=${contentDigest}\n`;
  const textual = isText(content);
  const body = textual
    ? content.toString("utf8")
    : `<binary content ${contentDigest}, ${content.length} bytes>\n`;
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
