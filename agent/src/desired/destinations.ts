/**
 * Where desired files land, and the checks that a rendered /etc file neither shadows a unit, drop-in or
 * companion file that CoreOps writes itself ("two sources for one destination") nor lands in a directory
 * systemd or Quadlet reads units from (it would bypass unit validation and the managed marker). Both run
 * against the effective managed directories of the command (README "What CoreOps owns and where it
 * writes"), never the defaults alone.
 */
import { layoutError } from "../errors.js";
import type { DesiredCompanion, DesiredConfig, DesiredUnit } from "./model.js";
import { orderedPair } from "./names.js";

export const DEFAULT_QUADLET_DIR = "/etc/containers/systemd";
export const DEFAULT_UNIT_DIR = "/etc/systemd/system";
/** The directories under /etc that systemd and Quadlet read units from, whatever CoreOps manages. */
export const ETC_UNIT_DIRS: readonly string[] = [
  "/etc/containers/systemd",
  "/etc/systemd/system",
  "/etc/systemd/user",
];

/** The effective managed directories (logical host paths). */
export interface UnitDirs {
  quadletDir: string;
  unitDir: string;
}

function under(dir: string, path: string): boolean {
  return path.startsWith(`${dir.replace(/\/+$/, "")}/`);
}

/** Absolute default destination of each unit, drop-in and companion file, with its source path. */
export function managedDestinations(
  units: readonly DesiredUnit[],
  companions: readonly DesiredCompanion[],
  quadletDir = DEFAULT_QUADLET_DIR,
  unitDir = DEFAULT_UNIT_DIR,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const u of units) {
    const dir = u.family === "quadlet" ? quadletDir : unitDir;
    out.set(`${dir}/${u.fileName}`, u.source.path);
    for (const d of u.dropIns) out.set(`${dir}/${u.fileName}.d/${d.name}`, d.source.path);
  }
  for (const c of companions) out.set(`${quadletDir}/${c.relPath}`, c.source.path);
  return out;
}

export function checkConfigDestinations(
  configs: readonly DesiredConfig[],
  units: readonly DesiredUnit[],
  companions: readonly DesiredCompanion[],
  dirs: UnitDirs,
): void {
  const managed = managedDestinations(units, companions, dirs.quadletDir, dirs.unitDir);
  const unitDirs = [...new Set([dirs.quadletDir, dirs.unitDir, ...ETC_UNIT_DIRS])].sort();
  for (const c of configs) {
    const other = managed.get(c.target);
    if (other !== undefined) {
      const [first, second] = orderedPair(other, c.source.path);
      throw layoutError(`two sources for ${c.target}: '${first}' and '${second}'`, {
        code: "destination_conflict",
        file: c.source.path,
        related: [other],
        hint: "unit, drop-in and companion files are written by CoreOps from services/<svc>/; remove the config/etc copy",
      });
    }
    const dir = unitDirs.find((d) => under(d, c.target));
    if (dir !== undefined)
      throw layoutError(`rendered file ${c.target} would land in the unit directory ${dir}`, {
        code: "config_in_unit_dir",
        file: c.source.path,
        hint: "units belong in services/<svc>/<name>.<ext> (Quadlet files and native units, validated and marked by CoreOps), drop-ins in services/<svc>/<unit>.d/<name>.conf; config/etc/ is for other host files",
      });
  }
}
