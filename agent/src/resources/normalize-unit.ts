/**
 * Normalization of the four unit kinds — what is material to a change and what is not:
 * - generated_unit: by unit name and stable field ordering (`canonicalUnitText` of the unit with its
 *   drop-ins applied): content, dependency directives and `[Install]` (enablement) are material;
 *   formatting is not.
 * - quadlet_resource: by resource file name and generated unit identity (Quadlet naming, `ServiceName=`);
 *   section keys and content material; ordering and whitespace not.
 * - mount: by `.mount` identity from `Where=`; What/Where/Type/Options and `[X-CoreOps] CreateMountpoint`
 *   material (Options split on commas and trimmed, Where simplified, the boolean spelled canonically).
 * - automount: by `.automount` identity from `Where=`; path and dependency directives material.
 * Desired inputs are validated strictly (errors exit 65 naming file and line); observed files are
 * normalized leniently — a host file that does not parse is compared by its digest and noted.
 */
import { posix } from "node:path";
import { sha256 } from "../digest.js";
import { canonicalUnitText } from "../units/canonical.js";
import { applyDropIns } from "../units/dropins.js";
import { lastValue, parseUnitFile, type UnitEntry, type UnitFile } from "../units/parse.js";
import { runtimeUnitName } from "../units/quadlet.js";
import { type DependencyRef, dependencyRefs } from "./dependency-refs.js";
import { unitDisplayId, unitKind, unitResourceType } from "./identity.js";
import type { MountInfo, NormalizedObject, ObjectFile } from "./managed-object.js";
import { managedText, stripManagedMarker } from "./marker.js";
import {
  checkWhere,
  isNetworkFilesystem,
  normalizeMountOptions,
  normalizeMountPath,
  readXCoreOps,
  X_COREOPS_SECTION,
} from "./mount-rules.js";

export interface UnitInput {
  fileName: string;
  family: "quadlet" | "native";
  /** The directory the unit is written to (logical host path). */
  dir: string;
  /** The unit file; null on the observed side when only drop-ins exist. */
  unitFile: ObjectFile | null;
  /** Drop-in files in application order. */
  dropIns: ObjectFile[];
  /** Desired side: validate and throw. Observed side: tolerate and note. */
  strict: boolean;
}

const textCache = new WeakMap<ObjectFile, string>();

function text(file: ObjectFile): string {
  let t = textCache.get(file);
  if (t === undefined) {
    t = managedText(file.bytes);
    textCache.set(file, t);
  }
  return t;
}

function errorFileOf(file: ObjectFile): string {
  return file.source?.path ?? file.path;
}

/** Re-serializes entries into unit text (one header per section run) and parses it back. */
function rebuild(entries: UnitEntry[]): UnitFile {
  const lines: string[] = [];
  let current: string | undefined;
  for (const e of entries) {
    if (e.section !== current) {
      lines.push(`[${e.section}]`);
      current = e.section;
    }
    lines.push(`${e.key}=${e.value}`);
  }
  return parseUnitFile(lines.length === 0 ? "" : `${lines.join("\n")}\n`);
}

function effectiveText(input: UnitInput): string {
  const parts: string[] = [];
  if (input.unitFile) parts.push(text(input.unitFile));
  for (const d of input.dropIns) {
    const body = text(d);
    parts.push(`# ---- drop-in ${d.path} ----\n${body}`);
  }
  return parts.map((p) => (p.endsWith("\n") || p === "" ? p : `${p}\n`)).join("");
}

/** What every normalized unit carries, parseable or not. */
type UnitBase = Pick<NormalizedObject, "id" | "kind" | "resourceType" | "name" | "files"> & {
  effective: string;
};

export function normalizeUnit(input: UnitInput): NormalizedObject {
  const { fileName, family, strict } = input;
  const kind = unitKind(fileName, family);
  const files = [...(input.unitFile ? [input.unitFile] : []), ...input.dropIns].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  const base: UnitBase = {
    id: unitDisplayId(fileName),
    kind,
    resourceType: unitResourceType(fileName),
    name: fileName,
    files,
    effective: effectiveText(input),
  };

  let merged: UnitFile;
  try {
    merged = mergedUnit(input);
  } catch (err) {
    if (strict) throw err;
    return unparseableUnit(input, base, err as Error);
  }

  const unit = kind === "quadlet_resource" ? runtimeUnitName(fileName, merged) : fileName;
  const header: string[] = [`kind=${kind}`, `unit=${unit}`];
  const notes: string[] = [];
  let mount: MountInfo | null = null;
  let forCanonical = merged;
  if (kind === "mount" || kind === "automount") {
    const normalized = normalizeMountUnit(merged, input, kind);
    notes.push(...normalized.problems);
    forCanonical = normalized.forCanonical;
    mount = normalized.mount;
    if (kind === "mount") header.push(`create_mountpoint=${mount.createMountpoint}`);
  }

  const canonical = canonicalUnitText(forCanonical);
  const material = `${header.join("\n")}\n--\n${canonical}`;
  const deps: DependencyRef[] = dependencyRefs(
    fileName,
    merged,
    family === "quadlet" ? posix.normalize(input.dir) : null,
  );
  return {
    ...base,
    unit,
    material,
    digest: sha256(material),
    fields: materialFields(kind, unit, canonical, mount),
    diffText: material,
    deps,
    mount,
    notes,
  };
}

/** The unit file with its drop-ins applied; throws the parse error naming the file and line. */
function mergedUnit(input: UnitInput): UnitFile {
  const unitParsed = input.unitFile
    ? parseUnitFile(text(input.unitFile), errorFileOf(input.unitFile))
    : parseUnitFile("");
  return applyDropIns(
    unitParsed,
    input.dropIns.map((d) => parseUnitFile(text(d), errorFileOf(d))),
  );
}

/** An observed unit that does not parse: compared by the digest of its files, with a note. */
function unparseableUnit(input: UnitInput, base: UnitBase, err: Error): NormalizedObject {
  const { fileName, family } = input;
  const digest = sha256(Buffer.concat(base.files.map((f) => stripManagedMarker(f.bytes))));
  const material = `kind=${base.kind}\nunparseable=${digest}\n`;
  return {
    ...base,
    unit: family === "quadlet" ? runtimeUnitName(fileName) : fileName,
    material,
    digest: sha256(material),
    fields: { content: digest },
    diffText: base.effective,
    deps: [],
    mount: null,
    notes: [`${fileName} on the host does not parse as a unit file: ${err.message}`],
  };
}

/**
 * A `.mount` or `.automount` unit: checks `[X-CoreOps]` and `Where=`, rewrites the material fields into
 * their canonical spelling (the `[X-CoreOps]` section is not unit content) and describes the mount.
 */
function normalizeMountUnit(
  merged: UnitFile,
  input: UnitInput,
  kind: "mount" | "automount",
): { forCanonical: UnitFile; mount: MountInfo; problems: string[] } {
  const { fileName, strict } = input;
  const errorFile = input.unitFile ? errorFileOf(input.unitFile) : fileName;
  const x = readXCoreOps(merged, fileName, { strict, errorFile, allowCreateMountpoint: kind === "mount" });
  const w = checkWhere(merged, fileName, kind, { strict, errorFile });
  const problems = [...x.problems, ...w.problems];
  const section = kind === "mount" ? "Mount" : "Automount";
  const entries: UnitEntry[] = [];
  for (const e of merged.entries) {
    if (e.section === X_COREOPS_SECTION) continue;
    if (e.section === section && e.key === "Where")
      entries.push({ ...e, value: normalizeMountPath(e.value) });
    else if (kind === "mount" && e.section === "Mount" && e.key === "Options")
      entries.push({ ...e, value: normalizeMountOptions([e.value]).join(",") });
    else if (kind === "mount" && e.section === "Mount" && e.key === "What")
      entries.push({ ...e, value: e.value.trim() });
    else entries.push(e);
  }
  if (kind === "automount") {
    const mount = {
      where: w.where ?? "",
      what: null,
      type: null,
      options: [],
      createMountpoint: false,
      networkBacked: false,
    };
    return { forCanonical: rebuild(entries), mount, problems };
  }
  const type = lastValue(merged, "Mount", "Type") ?? null;
  const mount: MountInfo = {
    where: w.where ?? "",
    what: lastValue(merged, "Mount", "What") ?? null,
    type,
    options: normalizeMountOptions([lastValue(merged, "Mount", "Options") ?? ""]),
    createMountpoint: x.createMountpoint,
    networkBacked: isNetworkFilesystem(type),
  };
  return { forCanonical: rebuild(entries), mount, problems };
}

/** Material fields (name → normalized value) for field-level diffs. */
function materialFields(
  kind: NormalizedObject["kind"],
  unit: string,
  canonical: string,
  mount: MountInfo | null,
): Record<string, string> {
  const fields: Record<string, string> = { unit, content: sha256(canonical) };
  if (mount && kind === "mount") {
    fields["[Mount] What"] = mount.what ?? "";
    fields["[Mount] Where"] = mount.where;
    fields["[Mount] Type"] = mount.type ?? "";
    fields["[Mount] Options"] = mount.options.join(",");
    fields["[X-CoreOps] CreateMountpoint"] = String(mount.createMountpoint);
  }
  if (mount && kind === "automount") fields["[Automount] Where"] = mount.where;
  return fields;
}
