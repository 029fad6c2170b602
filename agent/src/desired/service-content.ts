/**
 * Reading the files of one service directory (services/<service>/) and of a host's overrides directory
 * (hosts/<host>/overrides/) into raw units, drop-ins, config files and companion candidates
 * (ARCHITECTURE.md "The desired-state repository"). Layering and cross-service checks are `load.ts`'s.
 */
import { type CoreOpsError, layoutError } from "../errors.js";
import { NATIVE_UNIT_EXTENSIONS, QUADLET_EXTENSIONS, unitFamily } from "../units/quadlet.js";
import type { CompanionCandidate } from "./companions.js";
import { configTarget } from "./config-target.js";
import type { RawConfig, RawDropIn } from "./layering.js";
import type { Layer, SourceRef } from "./model.js";
import { isIdentifier, sortedNames } from "./names.js";
import { readRenderedFile } from "./rendered-file.js";
import { checkUnitFileName } from "./unit-checks.js";
import { readUnitText } from "./unit-text.js";
import { type Entry, type Listing, listDir, listFilesRecursive } from "./walk.js";

export const SERVICE_KINDS_HINT =
  "a service directory may hold: Quadlet files (" +
  QUADLET_EXTENSIONS.join(" ") +
  "), native units (" +
  NATIVE_UNIT_EXTENSIONS.join(" ") +
  "), <unit>.d/<name>.conf drop-ins, config/etc/<path> host files, and companion files that a Quadlet file of the service references";
const OVERRIDE_KINDS_HINT =
  "hosts/<host>/overrides/ may hold only <unit>.d/<name>.conf host drop-ins and config/etc/<path> replacements";
export interface BaseUnit {
  service: string;
  fileName: string;
  family: "quadlet" | "native";
  source: SourceRef;
  text: string;
}

export interface ServiceContent {
  units: BaseUnit[];
  dropIns: RawDropIn[];
  configs: RawConfig[];
  candidates: CompanionCandidate[];
}

export function readService(svc: string, dir: Entry, listing: Listing): ServiceContent {
  const out: ServiceContent = { units: [], dropIns: [], configs: [], candidates: [] };
  const dropInDirs: Entry[] = [];
  for (const entry of listDir(dir.abs, dir.rel, listing)) {
    if (entry.kind === "other") throw unknownEntry(entry, SERVICE_KINDS_HINT);
    if (entry.kind === "dir" && entry.name === "config") {
      out.configs.push(...readConfigTree(entry, "base", listing));
    } else if (entry.kind === "dir" && entry.name.endsWith(".d")) {
      dropInDirs.push(entry);
    } else if (entry.kind === "file" && unitFamily(entry.name)) {
      const family = unitFamily(entry.name) ?? "native";
      checkUnitFileName(entry.name, entry.rel);
      out.units.push({
        service: svc,
        fileName: entry.name,
        family,
        source: { layer: "base", path: entry.rel },
        text: readUnitText(entry),
      });
    } else if (entry.kind === "dir") {
      for (const file of listFilesRecursive(entry.abs, entry.rel, listing)) {
        if (file.kind !== "file") throw unknownEntry(file, SERVICE_KINDS_HINT);
        out.candidates.push({ service: svc, relPath: file.rel.slice(dir.rel.length + 1), entry: file });
      }
    } else {
      out.candidates.push({ service: svc, relPath: entry.name, entry });
    }
  }
  const unitNames = new Set(out.units.map((u) => u.fileName));
  for (const d of dropInDirs) {
    const unit = d.name.slice(0, -2);
    if (!unitNames.has(unit)) {
      throw layoutError(
        `drop-in directory '${d.rel}' is for unit '${unit}', which does not exist in service '${svc}'`,
        {
          code: "dropin_unit_missing",
          file: d.rel,
          hint: `name drop-in directories <unit file>.d after a unit of this service: ${sortedNames(unitNames).join(", ") || "(none)"}`,
        },
      );
    }
    out.dropIns.push(...readDropInDir(d, unit, "base", listing));
  }
  return out;
}

export function readOverrides(
  dir: Entry,
  dropIns: RawDropIn[],
  configs: RawConfig[],
  listing: Listing,
): void {
  for (const entry of listDir(dir.abs, dir.rel, listing)) {
    if (entry.kind === "dir" && entry.name === "config")
      configs.push(...readConfigTree(entry, "host", listing));
    else if (entry.kind === "dir" && entry.name.endsWith(".d"))
      dropIns.push(...readDropInDir(entry, entry.name.slice(0, -2), "host", listing));
    else throw unknownEntry(entry, OVERRIDE_KINDS_HINT);
  }
}

function readDropInDir(dir: Entry, unit: string, layer: Layer, listing: Listing): RawDropIn[] {
  return listDir(dir.abs, dir.rel, listing).map((entry) => {
    if (entry.kind !== "file" || !entry.name.endsWith(".conf")) {
      throw layoutError(`drop-in '${entry.rel}' does not end in .conf`, {
        code: "dropin_not_conf",
        file: entry.rel,
        hint: `systemd reads only <name>.conf files from ${dir.name}/; rename it to end in .conf or move it out`,
      });
    }
    if (!isIdentifier(entry.name)) {
      throw layoutError(`drop-in file name '${entry.name}' is not a valid identifier`, {
        code: "invalid_identifier",
        file: entry.rel,
        hint: "drop-in names match ^[A-Za-z0-9][A-Za-z0-9._-]*$, e.g. 10-limits.conf",
      });
    }
    return { unit, name: entry.name, source: { layer, path: entry.rel }, text: readUnitText(entry) };
  });
}

function readConfigTree(dir: Entry, layer: Layer, listing: Listing): RawConfig[] {
  return listFilesRecursive(dir.abs, dir.rel, listing).map((file) => {
    if (file.kind !== "file") {
      throw layoutError(`'${file.rel}' is not a regular file`, {
        code: "unknown_file_kind",
        file: file.rel,
        hint: "config/etc/ may hold only regular files (and symlinks to files inside the repository)",
      });
    }
    const target = configTarget(file.rel.slice(dir.rel.length + 1), file.rel);
    return {
      target,
      source: { layer, path: file.rel },
      content: readRenderedFile(file.abs, file.rel),
      mode: file.executable ? 0o755 : 0o644,
    };
  });
}

export function unknownEntry(entry: Entry, hint: string): CoreOpsError {
  return layoutError(`unexpected ${entry.kind === "dir" ? "directory" : "file"} '${entry.rel}'`, {
    code: "unknown_file_kind",
    file: entry.rel,
    hint,
  });
}
