/**
 * Where desired files land by default, and the check that a rendered /etc file does not shadow a unit,
 * drop-in or companion file that CoreOps writes itself ("two sources for one destination").
 */
import { layoutError } from "../errors.js";
import type { DesiredCompanion, DesiredConfig, DesiredUnit } from "./model.js";
import { orderedPair } from "./names.js";

export const DEFAULT_QUADLET_DIR = "/etc/containers/systemd";
export const DEFAULT_UNIT_DIR = "/etc/systemd/system";

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
): void {
  const managed = managedDestinations(units, companions);
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
  }
}
