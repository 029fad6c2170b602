/**
 * The unit-syntax half of validation, on top of `units/`: unit file names follow systemd's rules, every
 * unit and drop-in parses, and no two units become the same runtime unit.
 */
import { CoreOpsError, layoutError } from "../errors.js";
import { applyDropIns } from "../units/dropins.js";
import { INSTALL_NAME_KEYS, installNameProblem } from "../units/install-names.js";
import type { UnitFile } from "../units/parse.js";
import { parseUnitFile } from "../units/parse.js";
import { isValidUnitFileName, runtimeUnitName } from "../units/quadlet.js";
import type { DesiredUnit } from "./model.js";
import { orderedPair } from "./names.js";

/** Rejects a unit file name that systemd (or Quadlet) would not accept. */
export function checkUnitFileName(fileName: string, file: string): void {
  if (!isValidUnitFileName(fileName)) {
    throw layoutError(`'${fileName}' is not a valid unit file name`, {
      code: "invalid_unit_name",
      file,
      hint: "unit names follow systemd's rules: letters, digits and ':-_.\\' (use \\x2d-style escapes for other bytes), an optional '@' for templates, and a managed extension",
    });
  }
}

/** Parses a unit or drop-in; a syntax error is an invalid layout (exit 65) naming file and line. */
export function parseForLayout(text: string, file: string): UnitFile {
  try {
    return parseUnitFile(text, file);
  } catch (err) {
    if (err instanceof CoreOpsError) {
      throw layoutError(err.message, {
        code: err.code,
        file: err.file ?? file,
        ...(err.line !== undefined ? { line: err.line } : {}),
        ...(err.field !== undefined ? { field: err.field } : {}),
        ...(err.hint !== undefined ? { hint: err.hint } : {}),
        related: err.related,
      });
    }
    throw err;
  }
}

/** Each unit with its drop-ins applied (systemd semantics), keyed by file name. */
export function effectiveUnits(units: readonly DesiredUnit[]): Map<string, UnitFile> {
  const out = new Map<string, UnitFile>();
  for (const u of units) {
    const base = parseForLayout(u.text, u.source.path);
    const dropIns = u.dropIns.map((d) => parseForLayout(d.text, d.source.path));
    out.set(u.fileName, dropIns.length === 0 ? base : applyDropIns(base, dropIns));
  }
  return out;
}

/** Two unit files that become the same systemd unit (e.g. `web.container` and `web.service`) are a conflict. */
export function checkRuntimeNames(units: readonly DesiredUnit[], effective: Map<string, UnitFile>): void {
  const owner = new Map<string, DesiredUnit>();
  for (const u of units) {
    const name = runtimeUnitName(u.fileName, effective.get(u.fileName));
    const other = owner.get(name);
    if (other) {
      const [first, second] = orderedPair(other.source.path, u.source.path);
      throw layoutError(`two sources for runtime unit ${name}: '${first}' and '${second}'`, {
        code: "destination_conflict",
        file: second,
        related: [first],
        hint: "each systemd unit has exactly one source; rename one file or change its ServiceName=",
      });
    }
    owner.set(name, u);
  }
}

/**
 * `[Install]` names become paths when a unit is enabled: each must be a valid unit name (see
 * `units/install-names.ts`), checked before anything is written. The error names the file and line.
 */
export function checkInstallNames(units: readonly DesiredUnit[], effective: Map<string, UnitFile>): void {
  for (const u of units) {
    const unit = effective.get(u.fileName);
    if (!unit) continue;
    const runtime = runtimeUnitName(u.fileName, unit);
    for (const e of unit.entries) {
      if (e.section !== "Install") continue;
      const key = INSTALL_NAME_KEYS.find((k) => k === e.key);
      if (!key) continue;
      for (const name of e.value.split(/\s+/).filter(Boolean)) {
        const problem = installNameProblem(key, name, runtime);
        if (problem)
          throw layoutError(`[Install] ${key}=: ${problem}`, {
            code: "invalid_install_name",
            file: e.file ?? u.source.path,
            line: e.line,
            field: `[Install] ${key}`,
            hint: "name units the way systemd does: no '/', letters, digits and ':-_.\\@', and a unit suffix such as .target or .service",
          });
      }
    }
  }
}
