/**
 * Managed mount rules (ARCHITECTURE.md "The desired-state repository"): `[X-CoreOps]` takes only
 * `CreateMountpoint` (boolean, default true); the unit name must be the systemd escaping of `Where=`; an
 * automount only for a network-backed file system. Errors name the unit file, the field and what to do.
 */
import { layoutError } from "../errors.js";
import { simplifyPath, unitNameForPath } from "../units/escape.js";
import type { UnitEntry, UnitFile } from "../units/parse.js";

export const X_COREOPS_SECTION = "X-CoreOps";
export const NETWORK_FILESYSTEMS: readonly string[] = [
  "nfs",
  "nfs4",
  "cifs",
  "smbfs",
  "sshfs",
  "glusterfs",
  "ceph",
  "cephfs",
];

const TRUE = new Set(["1", "yes", "true", "on", "y", "t"]);
const FALSE = new Set(["0", "no", "false", "off", "n", "f"]);

export function parseBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

export function isNetworkFilesystem(type: string | null | undefined): boolean {
  if (!type) return false;
  // `fuse.sshfs` is how sshfs usually appears in a mount unit.
  const t = type
    .trim()
    .toLowerCase()
    .replace(/^fuse\./, "");
  return NETWORK_FILESYSTEMS.includes(t);
}

/** Normalizes a mount path like systemd does (`path_simplify`); returns it unchanged if it cannot. */
export function normalizeMountPath(path: string): string {
  try {
    return simplifyPath(path.trim());
  } catch {
    return path.trim();
  }
}

/** Splits `Options=` on commas, trimming blanks; the order is kept (it can matter to mount(8)). */
export function normalizeMountOptions(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(","))
    .map((o) => o.trim())
    .filter((o) => o !== "");
}

function lastEntry(unit: UnitFile, section: string, key: string): UnitEntry | undefined {
  let found: UnitEntry | undefined;
  for (const e of unit.entries) if (e.section === section && e.key === key) found = e;
  return found;
}

/**
 * Reads `[X-CoreOps]`: `CreateMountpoint` (default true). With `strict`, unknown keys and non-boolean
 * values throw (exit 65) naming file and line; otherwise they are ignored and reported in `problems`.
 */
export function readXCoreOps(
  unit: UnitFile,
  fileName: string,
  opts: { strict: boolean; errorFile: string; allowCreateMountpoint: boolean },
): { present: boolean; createMountpoint: boolean; problems: string[] } {
  const problems: string[] = [];
  let createMountpoint = true;
  let present = unit.sections.includes(X_COREOPS_SECTION);
  for (const e of unit.entries) {
    if (e.section !== X_COREOPS_SECTION) continue;
    present = true;
    if (e.key !== "CreateMountpoint" || !opts.allowCreateMountpoint) {
      const message = `unsupported X-CoreOps field in ${fileName}: ${e.key}`;
      if (opts.strict)
        throw layoutError(message, {
          code: "unsupported_x_coreops_field",
          file: opts.errorFile,
          line: e.line,
          field: `[X-CoreOps] ${e.key}`,
          hint: opts.allowCreateMountpoint
            ? "the only [X-CoreOps] key is CreateMountpoint (boolean, default true); remove the others"
            : "an .automount takes no [X-CoreOps] keys; set CreateMountpoint on the matching .mount",
        });
      problems.push(message);
      continue;
    }
    const b = e.value === "" ? true : parseBoolean(e.value);
    if (b === undefined) {
      const message = `invalid CreateMountpoint value in ${fileName}: ${e.value}`;
      if (opts.strict)
        throw layoutError(message, {
          code: "invalid_x_coreops_value",
          file: opts.errorFile,
          line: e.line,
          field: "[X-CoreOps] CreateMountpoint",
          hint: "use true or false (also accepted: yes/no, on/off, 1/0)",
        });
      problems.push(message);
      continue;
    }
    createMountpoint = b;
  }
  return { present, createMountpoint, problems };
}

/** Checks `[Mount] Where=`/`[Automount] Where=` against the unit name; returns the normalized Where. */
export function checkWhere(
  unit: UnitFile,
  fileName: string,
  suffix: "mount" | "automount",
  opts: { strict: boolean; errorFile: string },
): { where: string | null; problems: string[] } {
  const section = suffix === "mount" ? "Mount" : "Automount";
  const entry = lastEntry(unit, section, "Where");
  const label = suffix === "mount" ? "Mount" : "Automount";
  if (!entry || entry.value === "") {
    const message = `missing ${label} Where= in managed ${suffix} artifact ${fileName}`;
    if (opts.strict)
      throw layoutError(message, {
        code: `missing_${suffix}_where`,
        file: opts.errorFile,
        field: `[${section}] Where`,
        hint: `add Where=<absolute path> to the [${section}] section`,
      });
    return { where: null, problems: [message] };
  }
  const where = normalizeMountPath(entry.value);
  let expected: string;
  try {
    expected = unitNameForPath(where, suffix);
  } catch (err) {
    if (opts.strict)
      throw layoutError(`invalid ${label} Where= in ${fileName}: ${(err as Error).message}`, {
        code: `invalid_${suffix}_where`,
        file: opts.errorFile,
        line: entry.line,
        field: `[${section}] Where`,
        hint: "Where= must be an absolute path without '..'",
      });
    return { where, problems: [(err as Error).message] };
  }
  if (expected !== fileName) {
    const message = `${suffix} unit name does not match ${label} Where in ${fileName}: expected ${expected}`;
    if (opts.strict)
      throw layoutError(message, {
        code: `${suffix}_name_mismatch`,
        file: opts.errorFile,
        line: entry.line,
        field: `[${section}] Where`,
        hint: `rename the file to ${expected} (systemd-escape --path --suffix=${suffix} ${where}) or fix Where=`,
      });
    return { where, problems: [message] };
  }
  return { where, problems: [] };
}
