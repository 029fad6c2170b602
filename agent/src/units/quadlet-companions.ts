/**
 * Companion files: the relative paths a Quadlet file makes Podman read from its own directory, as Podman's
 * Quadlet generator resolves them (podman-systemd.unit(5), "Relative paths"). What the keys name comes from
 * the one parser of Quadlet references, `quadlet-refs.ts`; this file adds the `.build` context and keeps the
 * relative paths.
 */
import { posix } from "node:path";
import { lastValue, type UnitFile } from "./parse.js";
import { quadletSection, unitExtension } from "./quadlet.js";
import { quadletFileRefs, quadletRefs } from "./quadlet-refs.js";

/** Podman's `isURL` (the same regular expression, quirks included). */
function isQuadletUrl(value: string): boolean {
  return /^((https?)|(git):\/\/)|(github\.com\/).+$/.test(value);
}

/** A value Quadlet resolves against the Quadlet file's directory: relative, no `%` specifier. */
function isUnitRelative(value: string): boolean {
  if (value === "" || value.startsWith("/")) return false;
  if (value.startsWith("%") && !value.startsWith("%%")) return false;
  return true;
}

export interface CompanionReference {
  /** Normalized path relative to the Quadlet file's directory (`/`-separated, no `./`). */
  path: string;
  section: string;
  key: string;
  /** Line of the assignment in its file. */
  line: number;
  /** File that holds the assignment (a drop-in, when set). */
  file?: string;
  /** Whether the reference names a directory (a build context, a bind-mount source may be either). */
  kind: "file" | "directory" | "file-or-directory";
}

/**
 * Every relative path a Quadlet file makes Podman read from its own directory: a `.kube`'s `Yaml=` and
 * `ConfigMap=`, `ContainersConfModule=`, a `[Container]` `EnvironmentFile=`, `Volume=` sources and
 * `Mount=type=bind|glob` sources starting with `.`, a `.build`'s `File=` and relative
 * `SetWorkingDirectory=` context. Values with a `%` specifier, absolute paths and URLs are not companions.
 */
export function findCompanionReferences(fileName: string, unit: UnitFile): CompanionReference[] {
  const section = quadletSection(fileName);
  if (section === undefined) return [];
  const refs: CompanionReference[] = [];
  const add: AddReference = (key, value, kind, at) => {
    if (!isUnitRelative(value)) return;
    const entry =
      at ??
      [...unit.entries]
        .reverse()
        .find((e) => e.section === section && e.key === key && e.value.includes(value));
    refs.push({
      path: posix.normalize(value).replace(/\/+$/, ""),
      section,
      key,
      line: entry?.line ?? 0,
      ...(entry?.file !== undefined ? { file: entry.file } : {}),
      kind,
    });
  };
  for (const r of quadletFileRefs(fileName, unit)) add(r.key, r.path, "file", r);
  const storage = quadletRefs(fileName, unit).filter((r) => r.source.startsWith("."));
  for (const r of storage) {
    if (r.key === "Mount" && (r.mountType === "bind" || r.mountType === "glob"))
      add("Mount", r.source, "file-or-directory", r);
  }
  for (const r of storage) if (r.key === "Volume") add("Volume", r.source, "file-or-directory", r);
  if (unitExtension(fileName) === ".build") buildContextReferences(unit, section, add);
  return refs;
}

/** `at`: where the assignment is, when the parser knows; else the last assignment of `key` naming `value`. */
type AddReference = (
  key: string,
  value: string,
  kind: CompanionReference["kind"],
  at?: { line: number; file?: string },
) => void;

/** A `.build`'s `File=` and relative `SetWorkingDirectory=`, unless `[Service] WorkingDirectory=` is set. */
function buildContextReferences(unit: UnitFile, section: string, add: AddReference): void {
  const explicitWorkDir = lastValue(unit, "Service", "WorkingDirectory");
  if (explicitWorkDir) return;
  const setWd = lastValue(unit, section, "SetWorkingDirectory") ?? "";
  const lowered = setWd.toLowerCase();
  if (
    setWd !== "" &&
    lowered !== "file" &&
    lowered !== "unit" &&
    lowered !== "yaml" &&
    !isQuadletUrl(setWd)
  ) {
    add("SetWorkingDirectory", setWd, "directory");
  }
  const file = lastValue(unit, section, "File");
  if (file && !isQuadletUrl(file)) add("File", file, "file");
}

/** The relative paths a Quadlet file references (sorted, unique). See `findCompanionReferences`. */
export function companionReferences(fileName: string, unit: UnitFile): string[] {
  return [...new Set(findCompanionReferences(fileName, unit).map((r) => r.path))].sort();
}
