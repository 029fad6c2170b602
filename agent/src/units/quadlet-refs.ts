/**
 * What a Quadlet file's `Volume=`, `Mount=`, `Network=`, `Pod=` and `Image=` refer to, read as Podman's
 * Quadlet generator reads them (podman-systemd.unit(5); pkg/systemd/quadlet). The one parser of these keys:
 * the planner's dependency edges (`resources/dependency-refs.ts`), the Quadlet dependencies below and the
 * companion files (`quadlet-companions.ts`) are all built from it.
 *
 * - `Volume=[[SOURCE:]DEST[:OPTIONS]]` (`.container`, `.pod`, `.build`): a source only when the value has a
 *   `:`; `x.volume` names a Quadlet file, a source starting with `/` or `.` is a host path (`.` relative to
 *   the Quadlet file), anything else a named volume.
 * - `Mount=` (`.container`): each word (split like systemd, quotes removed) is a CSV list; `type=` defaults
 *   to `volume` (Podman 5.6 and later; older Podman rejects an untyped mount). `type=volume,source=x.volume`
 *   and `type=image,source=x.image` name Quadlet files; `volume`, `bind`, `glob` and `image` mounts have
 *   sources, the other types have none.
 * - `Network=NAME[:OPTIONS]` (`.container`, `.pod`, `.kube`, `.build`): `x.network`, or `x.container` whose
 *   network stack is joined.
 * - `Pod=x.pod` (`.container`) and `Image=x.image|x.build` (`.container`; `.volume` with `Driver=image`):
 *   single-valued, the last assignment wins, surrounding double quotes are dropped.
 * - The files Podman reads (`quadletFileRefs`): `ContainersConfModule=` (every type, each value whole), a
 *   `.container`'s `EnvironmentFile=` and a `.kube`'s `Yaml=` and `ConfigMap=` (every value, split into words;
 *   Podman before multi-file `.kube` support reads only the last `Yaml=`: the others are read here as well).
 * Only assignments that survive resets (an empty assignment clears the list) count.
 */
import { effectiveValues, type UnitEntry, type UnitFile } from "./parse.js";
import { quadletSection, unitExtension } from "./quadlet.js";
import { splitCsv, splitWords } from "./words.js";

export type QuadletRefKey = "Volume" | "Mount" | "Network" | "Pod" | "Image";

export interface QuadletRef {
  key: QuadletRefKey;
  /** A Quadlet file name (`data.volume`) or, for `Volume=`/`Mount=`, the source as written (`/srv`, `./conf`, `vol`). */
  source: string;
  /** Whether `source` names another Quadlet file (Podman adds `Requires=`/`After=` on its service). */
  quadlet: boolean;
  /** `Mount=` only: the mount type (`volume` when not given). */
  mountType?: string;
  /** Where the assignment is. */
  line: number;
  file?: string;
}

/** Mount types whose `source=` Podman resolves (relative to the unit, or as a Quadlet file). */
const SOURCE_MOUNT_TYPES: readonly string[] = ["volume", "bind", "glob", "image"];

/** The assignments of `key` in `section` that survive resets, in file order. */
function effectiveEntries(unit: UnitFile, section: string): (key: string) => UnitEntry[] {
  const sectionEntries = unit.entries.filter((e) => e.section === section);
  return (key) => {
    const count = effectiveValues(unit, section, key).length;
    const assigned = sectionEntries.filter((e) => e.key === key && e.value !== "");
    return assigned.slice(assigned.length - count);
  };
}

export type QuadletFileKey = "ContainersConfModule" | "Yaml" | "ConfigMap" | "EnvironmentFile";

export interface QuadletFileRef {
  key: QuadletFileKey;
  /** As written: absolute, relative to the Quadlet file's directory, or starting with a `%` specifier. */
  path: string;
  line: number;
  file?: string;
}

/** The files a Quadlet file makes Podman read, in key order `ContainersConfModule`, `Yaml`, `ConfigMap`, `EnvironmentFile`. */
export function quadletFileRefs(fileName: string, unit: UnitFile): QuadletFileRef[] {
  const section = quadletSection(fileName);
  if (section === undefined) return [];
  const ext = unitExtension(fileName);
  const effective = effectiveEntries(unit, section);
  const refs: QuadletFileRef[] = [];
  const add = (key: QuadletFileKey, paths: string[], e: UnitEntry) => {
    for (const path of paths) {
      refs.push({ key, path, line: e.line, ...(e.file !== undefined ? { file: e.file } : {}) });
    }
  };
  for (const e of effective("ContainersConfModule")) add("ContainersConfModule", [e.value], e);
  const perWord = (key: QuadletFileKey) => {
    for (const e of effective(key)) add(key, splitWords(e.value), e);
  };
  if (ext === ".kube") {
    perWord("Yaml");
    perWord("ConfigMap");
  }
  if (ext === ".container") perWord("EnvironmentFile");
  return refs;
}

/** Every reference of a Quadlet file, in key order `Volume`, `Mount`, `Network`, `Pod`, `Image`. */
export function quadletRefs(fileName: string, unit: UnitFile): QuadletRef[] {
  const section = quadletSection(fileName);
  if (section === undefined) return [];
  const ext = unitExtension(fileName);
  const effective = effectiveEntries(unit, section);
  const refs: QuadletRef[] = [];
  const add = (key: QuadletRefKey, source: string, quadlet: boolean, e: UnitEntry, mountType?: string) =>
    refs.push({
      key,
      source,
      quadlet,
      ...(mountType !== undefined ? { mountType } : {}),
      line: e.line,
      ...(e.file !== undefined ? { file: e.file } : {}),
    });

  if (ext === ".container" || ext === ".pod" || ext === ".build") {
    for (const e of effective("Volume")) {
      const source = volumeSource(e.value);
      if (source) add("Volume", source, namesQuadlet(source, ".volume"), e);
    }
  }
  if (ext === ".container") {
    for (const e of effective("Mount")) {
      for (const m of mountSources(e.value)) add("Mount", m.source, m.quadlet, e, m.type);
    }
  }
  if (ext === ".container" || ext === ".pod" || ext === ".kube" || ext === ".build") {
    for (const e of effective("Network")) {
      const name = e.value.split(":")[0] ?? "";
      if (name.endsWith(".network") || name.endsWith(".container")) add("Network", name, true, e);
    }
  }
  const last = (key: string): { e: UnitEntry; value: string } | undefined => {
    const e = effective(key).at(-1);
    return e ? { e, value: lookupValue(e.value) } : undefined;
  };
  if (ext === ".container") {
    const pod = last("Pod");
    if (pod?.value.endsWith(".pod")) add("Pod", pod.value, true, pod.e);
  }
  const driver = last("Driver");
  if (ext === ".container" || (ext === ".volume" && driver?.value === "image")) {
    const image = last("Image");
    if (image && (image.value.endsWith(".image") || image.value.endsWith(".build")))
      add("Image", image.value, true, image.e);
  }
  return refs;
}

/**
 * Whether a storage source names a Quadlet file: Podman resolves `.`-relative sources to absolute paths
 * first, and absolute paths are host paths (`./x.volume` is a directory, not a Quadlet file).
 */
function namesQuadlet(source: string, ext: string): boolean {
  return !source.startsWith(".") && !source.startsWith("/") && source.endsWith(ext);
}

/** The source of `Volume=source:destination[:options]`; undefined for an anonymous volume (no `:`). */
function volumeSource(value: string): string | undefined {
  const parts = value.split(":");
  return parts.length >= 2 ? parts[0] : undefined;
}

/** The sources of one `Mount=` value: one per word, each word a CSV list of `key=value` fields. */
function mountSources(value: string): { type: string; source: string; quadlet: boolean }[] {
  const out: { type: string; source: string; quadlet: boolean }[] = [];
  for (const word of splitWords(value)) {
    const fields = splitCsv(word).map((f) => f.split("=", 2));
    const type = fields.find(([k]) => k === "type")?.[1] ?? "volume";
    const source = fields.find(([k]) => k === "source" || k === "src")?.[1];
    if (!source || !SOURCE_MOUNT_TYPES.includes(type)) continue;
    const quadlet =
      (type === "volume" && namesQuadlet(source, ".volume")) ||
      (type === "image" && namesQuadlet(source, ".image"));
    out.push({ type, source, quadlet });
  }
  return out;
}

/** A single-valued key's value as Podman's `Lookup` returns it: surrounding double quotes dropped. */
function lookupValue(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

export interface QuadletDependency {
  /** The referenced Quadlet file name, e.g. `data.volume`. */
  fileName: string;
  section: string;
  key: string;
  line: number;
  file?: string;
}

/**
 * The other Quadlet files a Quadlet file depends on (Podman adds `Requires=`/`After=` on their services):
 * the references of `quadletRefs` that name Quadlet files.
 */
export function findQuadletDependencies(fileName: string, unit: UnitFile): QuadletDependency[] {
  const section = quadletSection(fileName);
  if (section === undefined) return [];
  return quadletRefs(fileName, unit)
    .filter((r) => r.quadlet)
    .map((r) => ({
      fileName: r.source,
      section,
      key: r.key,
      line: r.line,
      ...(r.file !== undefined ? { file: r.file } : {}),
    }));
}

/** The Quadlet file names a Quadlet file depends on (sorted, unique). See `findQuadletDependencies`. */
export function quadletDependencies(fileName: string, unit: UnitFile): string[] {
  return [...new Set(findQuadletDependencies(fileName, unit).map((d) => d.fileName))].sort();
}
