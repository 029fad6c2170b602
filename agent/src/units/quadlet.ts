/**
 * Podman Quadlet naming, as Podman's Quadlet generator (pkg/systemd/quadlet) computes it: which files are
 * Quadlet files or native units, their sections, and the runtime service a Quadlet file becomes.
 * What a Quadlet file refers to is in `quadlet-refs.ts` (other Quadlet files, storage sources) and
 * `quadlet-companions.ts` (files next to it).
 */
import { posix } from "node:path";
import { CoreOpsError } from "../errors.js";
import { type UnitNameKind, unitNameKind } from "./escape.js";
import { lastValue, type UnitFile } from "./parse.js";

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
