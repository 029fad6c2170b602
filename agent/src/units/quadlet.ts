/**
 * Podman Quadlet naming and references, as Podman's Quadlet generator (pkg/systemd/quadlet) computes
 * them: the runtime service a Quadlet file becomes, the companion files it reads relative to its own
 * directory, and the other Quadlet files it depends on.
 */
import { posix } from "node:path";
import { CoreOpsError } from "../errors.js";
import { type UnitNameKind, unitNameKind } from "./escape.js";
import { effectiveValues, lastValue, type UnitEntry, type UnitFile } from "./parse.js";
import { splitCsv, splitWords } from "./words.js";

export const QUADLET_EXTENSIONS: readonly string[] = [
  ".container",
  ".volume",
  ".network",
  ".pod",
  ".kube",
  ".image",
  ".build",
];
export const NATIVE_UNIT_EXTENSIONS: readonly string[] = [
  ".service",
  ".socket",
  ".timer",
  ".target",
  ".path",
  ".mount",
  ".automount",
];

export type QuadletExtension = ".container" | ".volume" | ".network" | ".pod" | ".kube" | ".image" | ".build";

/** The Quadlet section of each file type and the suffix its default service name gets. */
const QUADLET_TYPES: Record<QuadletExtension, { section: string; serviceSuffix: string }> = {
  ".container": { section: "Container", serviceSuffix: "" },
  ".volume": { section: "Volume", serviceSuffix: "-volume" },
  ".network": { section: "Network", serviceSuffix: "-network" },
  ".pod": { section: "Pod", serviceSuffix: "-pod" },
  ".kube": { section: "Kube", serviceSuffix: "" },
  ".image": { section: "Image", serviceSuffix: "-image" },
  ".build": { section: "Build", serviceSuffix: "-build" },
};

function baseName(fileName: string): string {
  return posix.basename(fileName);
}

/** The extension (with dot) after the last dot of the base name, or `""`. */
export function unitExtension(fileName: string): string {
  const base = baseName(fileName);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}

export function isQuadletFileName(fileName: string): boolean {
  return QUADLET_EXTENSIONS.includes(unitExtension(fileName));
}

export function isNativeUnitFileName(fileName: string): boolean {
  return NATIVE_UNIT_EXTENSIONS.includes(unitExtension(fileName));
}

/** `"quadlet"`, `"native"`, or `undefined` for a file that is neither. */
export function unitFamily(fileName: string): "quadlet" | "native" | undefined {
  if (isQuadletFileName(fileName)) return "quadlet";
  if (isNativeUnitFileName(fileName)) return "native";
  return undefined;
}

/** The Quadlet section (`Container`, `Volume`, …) of a Quadlet file name, else `undefined`. */
export function quadletSection(fileName: string): string | undefined {
  const ext = unitExtension(fileName);
  return isQuadletFileName(fileName) ? QUADLET_TYPES[ext as QuadletExtension].section : undefined;
}

/**
 * A managed unit file name is valid when it follows systemd's unit-name rules with one of the
 * managed extensions (Quadlet or native): plain, template or instance, `\x2d` escapes allowed.
 */
export function unitFileNameKind(fileName: string): UnitNameKind | undefined {
  const types = [...QUADLET_EXTENSIONS, ...NATIVE_UNIT_EXTENSIONS].map((e) => e.slice(1));
  return unitNameKind(fileName, types);
}

export function isValidUnitFileName(fileName: string): boolean {
  return unitFileNameKind(fileName) !== undefined;
}

/**
 * The systemd unit a file becomes at runtime: `x.container`→`x.service`, `x.volume`→`x-volume.service`,
 * `x.network`→`x-network.service`, `x.pod`→`x-pod.service`, `x.kube`→`x.service`, `x.image`→`x-image.service`,
 * `x.build`→`x-build.service`; a non-empty `ServiceName=` in the Quadlet's own section wins (Podman's
 * `getServiceName`). Native units keep their name. Pass the unit with its drop-ins applied.
 */
export function runtimeUnitName(fileName: string, unit?: UnitFile): string {
  const base = baseName(fileName);
  const ext = unitExtension(base);
  if (NATIVE_UNIT_EXTENSIONS.includes(ext)) return base;
  if (!QUADLET_EXTENSIONS.includes(ext)) {
    throw new CoreOpsError(`'${base}' is neither a Quadlet file nor a managed systemd unit`, {
      code: "unknown_unit_type",
      file: fileName,
      hint: `use one of ${[...QUADLET_EXTENSIONS, ...NATIVE_UNIT_EXTENSIONS].join(" ")}`,
    });
  }
  const type = QUADLET_TYPES[ext as QuadletExtension];
  const serviceName = unit ? lastValue(unit, type.section, "ServiceName") : undefined;
  if (serviceName !== undefined && serviceName !== "") return `${serviceName}.service`;
  return `${base.slice(0, base.length - ext.length)}${type.serviceSuffix}.service`;
}

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
 * `ConfigMap=`, `ContainersConfModule=`, a `[Container]` `EnvironmentFile=`, `Volume=`/`Mount=` bind
 * sources starting with `.`, a `.build`'s `File=` and relative `SetWorkingDirectory=` context.
 * Values with a `%` specifier, absolute paths and URLs are not companions.
 */
export function findCompanionReferences(fileName: string, unit: UnitFile): CompanionReference[] {
  const section = quadletSection(fileName);
  if (section === undefined) return [];
  const refs: CompanionReference[] = [];
  const add: AddReference = (key, value, kind) => {
    if (!isUnitRelative(value)) return;
    const entry = [...unit.entries]
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
  const all = (key: string): string[] => effectiveValues(unit, section, key);
  const allArgs = (key: string): string[] => all(key).flatMap((v) => splitWords(v));

  for (const v of all("ContainersConfModule")) add("ContainersConfModule", v, "file");
  const ext = unitExtension(fileName);
  if (ext === ".kube") {
    const yaml = lastValue(unit, section, "Yaml");
    if (yaml) add("Yaml", yaml, "file");
    for (const v of allArgs("ConfigMap")) add("ConfigMap", v, "file");
  }
  if (ext === ".container") {
    for (const v of allArgs("EnvironmentFile")) add("EnvironmentFile", v, "file");
    for (const v of all("Mount")) {
      const { type, source } = mountSource(v);
      if ((type === "bind" || type === "glob") && source?.startsWith(".")) {
        add("Mount", source, "file-or-directory");
      }
    }
  }
  if (takesVolumes(ext)) {
    for (const v of all("Volume")) {
      const source = volumeSource(v);
      if (source?.startsWith(".")) add("Volume", source, "file-or-directory");
    }
  }
  if (ext === ".build") buildContextReferences(unit, section, add);
  return refs;
}

type AddReference = (key: string, value: string, kind: CompanionReference["kind"]) => void;

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

/** Quadlet types whose `Volume=` Podman reads (`source:destination[:options]`). */
function takesVolumes(ext: string): boolean {
  return ext === ".container" || ext === ".pod" || ext === ".build";
}

/** The source of a `Volume=source:destination[:options]` value; undefined for an anonymous volume. */
function volumeSource(value: string): string | undefined {
  const parts = value.split(":");
  return parts.length >= 2 ? parts[0] : undefined;
}

/** The `type=` (default `volume`) and `source=`/`src=` of a `Mount=` value. */
function mountSource(value: string): { type: string; source: string | undefined } {
  const fields = splitCsv(value).map((f) => f.split("=", 2));
  const type = fields.find(([k]) => k === "type")?.[1] ?? "volume";
  const source = fields.find(([k]) => k === "source" || k === "src")?.[1];
  return { type, source };
}

/** The relative paths a Quadlet file references (sorted, unique). See `findCompanionReferences`. */
export function companionReferences(fileName: string, unit: UnitFile): string[] {
  return [...new Set(findCompanionReferences(fileName, unit).map((r) => r.path))].sort();
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
 * `Volume=x.volume:/p`, `Mount=…source=x.volume|x.image`, `Network=x.network[:opts]` or `x.container`,
 * `Pod=x.pod`, `Image=x.image|x.build` (container, and a volume with `Driver=image`).
 */
export function findQuadletDependencies(fileName: string, unit: UnitFile): QuadletDependency[] {
  const section = quadletSection(fileName);
  if (section === undefined) return [];
  const ext = unitExtension(fileName);
  const deps: QuadletDependency[] = [];
  const entries = unit.entries.filter((e) => e.section === section);
  // Only entries that survive resets count: walk effective values and find their entries.
  const effective: EffectiveEntries = (key) => {
    const values = effectiveValues(unit, section, key);
    const keyEntries = entries.filter((e) => e.key === key && e.value !== "");
    return keyEntries.slice(keyEntries.length - values.length);
  };
  const add: AddDependency = (name, key, entry) => {
    deps.push({
      fileName: name,
      section,
      key,
      line: entry.line,
      ...(entry.file ? { file: entry.file } : {}),
    });
  };
  storageDependencies(ext, effective, add);
  if (ext === ".container" || ext === ".pod" || ext === ".kube" || ext === ".build") {
    for (const e of effective("Network")) {
      const name = e.value.split(":")[0] ?? "";
      if (name.endsWith(".network") || (name.endsWith(".container") && ext !== ".build"))
        add(name, "Network", e);
    }
  }
  if (ext === ".container") {
    const pod = effective("Pod").at(-1);
    if (pod?.value.endsWith(".pod")) add(pod.value, "Pod", pod);
  }
  const imageUser =
    ext === ".container" || (ext === ".volume" && lastValue(unit, section, "Driver") === "image");
  if (imageUser) {
    const image = effective("Image").at(-1);
    if (image && (image.value.endsWith(".image") || image.value.endsWith(".build")))
      add(image.value, "Image", image);
  }
  return deps;
}

type EffectiveEntries = (key: string) => UnitEntry[];
type AddDependency = (name: string, key: string, entry: { line: number; file?: string }) => void;

/** `Volume=x.volume:/p` and `Mount=…source=x.volume|x.image`. */
function storageDependencies(ext: string, effective: EffectiveEntries, add: AddDependency): void {
  if (takesVolumes(ext)) {
    for (const e of effective("Volume")) {
      const source = volumeSource(e.value) ?? "";
      if (source.endsWith(".volume")) add(source, "Volume", e);
    }
  }
  if (ext === ".container") {
    for (const e of effective("Mount")) {
      const { type, source = "" } = mountSource(e.value);
      if (
        (type === "volume" && source.endsWith(".volume")) ||
        (type === "image" && source.endsWith(".image"))
      ) {
        add(source, "Mount", e);
      }
    }
  }
}

/** The Quadlet file names a Quadlet file depends on (sorted, unique). See `findQuadletDependencies`. */
export function quadletDependencies(fileName: string, unit: UnitFile): string[] {
  return [...new Set(findQuadletDependencies(fileName, unit).map((d) => d.fileName))].sort();
}
