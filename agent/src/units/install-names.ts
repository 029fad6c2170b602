/**
 * The names an `[Install]` section gives (`WantedBy=`, `RequiredBy=`, `UpheldBy=`, `Alias=`, `Also=`)
 * become symlink paths under the unit directory when a unit is enabled, so they must be unit names the
 * way systemd checks them (`unit_name_is_valid`: no `/`, a known suffix) — and an `Alias=` keeps the
 * unit's own suffix, as `systemctl enable` requires.
 */
import { isValidUnitName, unitNameKind } from "./escape.js";

export const INSTALL_NAME_KEYS = ["WantedBy", "RequiredBy", "UpheldBy", "Alias", "Also"] as const;
export type InstallNameKey = (typeof INSTALL_NAME_KEYS)[number];

function suffix(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}

/** Why `name` cannot stand in `key=` of `unit`'s `[Install]` section, or null when it can. */
export function installNameProblem(key: InstallNameKey, name: string, unit: string): string | null {
  if (!isValidUnitName(name)) return `'${name}' is not a valid unit name`;
  if (key === "Alias" && unitNameKind(unit) !== undefined && suffix(name) !== suffix(unit))
    return `alias '${name}' does not keep the unit's suffix .${suffix(unit)}`;
  return null;
}
