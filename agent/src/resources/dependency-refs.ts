/**
 * Dependency references read from a unit's effective text (unresolved: the planner maps them to objects).
 * - `[Unit] Requires= Wants= BindsTo= After= Requisite=` → units
 * - `RequiresMountsFor=` (any section; Quadlet passes `[Service]` through) → mount paths
 * - Quadlet `Volume=`, `Mount=`, `Network=`, `Pod=`, `Image=` as `units/quadlet-refs.ts` reads them:
 *   Quadlet file names → Quadlet files; host-path storage sources (`Volume=/abs:…`, `Volume=./dir:…`,
 *   `Mount=…source=/abs…`) → files under that path (a relative one under the quadlet dir: companions)
 * - systemd's `EnvironmentFile=` (any section but a Quadlet file's own) → files
 * - the files Podman reads, as `units/quadlet-refs.ts` reads them (`EnvironmentFile=`, `Yaml=`, `ConfigMap=`,
 *   `ContainersConfModule=`) → files (relative paths are relative to the quadlet dir)
 */
import { posix } from "node:path";
import type { UnitFile } from "../units/parse.js";
import { quadletSection } from "../units/quadlet.js";
import { quadletFileRefs, quadletRefs } from "../units/quadlet-refs.js";

export type DependencyRef =
  | { type: "unit"; via: string; unit: string }
  | { type: "mount_path"; via: string; path: string }
  | { type: "quadlet"; via: string; fileName: string }
  /** `prefix`: the path is a directory; every managed file under it counts. */
  | { type: "file"; via: string; path: string; prefix: boolean };

const UNIT_DEPENDENCY_KEYS = ["Requires", "Wants", "BindsTo", "After", "Requisite"] as const;

function words(value: string): string[] {
  return value.split(/\s+/).filter((w) => w !== "");
}

function unquote(v: string): string {
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

function resolveRelative(path: string, baseDir: string | null): string | null {
  if (path.startsWith("/")) return posix.normalize(path);
  if (baseDir === null || path === "" || path.startsWith("%")) return null;
  return posix.normalize(posix.join(baseDir, path));
}

/** Effective values of every (section, key) in one pass: repeated keys accumulate, an empty value resets. */
function valuesBySectionKey(unit: UnitFile): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of unit.entries) {
    const k = `${e.section}\u0000${e.key}`;
    const list = map.get(k);
    if (e.value === "") map.set(k, []);
    else if (list) list.push(e.value);
    else map.set(k, [e.value]);
  }
  return map;
}

/**
 * @param fileName the unit's file name (a Quadlet file's type decides which keys Podman reads)
 * @param unit the effective (drop-ins applied) unit
 * @param quadletDir for Quadlet files: the directory relative paths resolve against; null for native units
 */
export function dependencyRefs(fileName: string, unit: UnitFile, quadletDir: string | null): DependencyRef[] {
  const refs: DependencyRef[] = [];
  const all = valuesBySectionKey(unit);
  const values = (section: string, key: string): string[] => all.get(`${section}\u0000${key}`) ?? [];
  for (const key of UNIT_DEPENDENCY_KEYS) {
    for (const v of values("Unit", key))
      for (const u of words(v)) refs.push({ type: "unit", via: `${key}=`, unit: u });
  }
  const podmanSection = quadletDir === null ? undefined : quadletSection(fileName);
  for (const section of unit.sections) {
    for (const v of values(section, "RequiresMountsFor"))
      for (const p of words(v))
        refs.push({ type: "mount_path", via: "RequiresMountsFor=", path: unquote(p) });
    if (section === podmanSection) continue;
    for (const v of values(section, "EnvironmentFile")) {
      const raw = unquote(v).replace(/^-/, "");
      const p = resolveRelative(raw, quadletDir);
      if (p) refs.push({ type: "file", via: "EnvironmentFile=", path: p, prefix: false });
    }
  }
  if (quadletDir === null) return refs;
  for (const r of quadletRefs(fileName, unit)) {
    if (r.quadlet) refs.push({ type: "quadlet", via: `${r.key}=`, fileName: r.source });
    else if (r.source.startsWith("/") || r.source.startsWith(".")) {
      const path = resolveRelative(r.source, quadletDir);
      if (path) refs.push({ type: "file", via: `${r.key}=`, path, prefix: true });
    }
  }
  for (const r of quadletFileRefs(fileName, unit)) {
    const p = resolveRelative(r.path, quadletDir);
    if (p) refs.push({ type: "file", via: `${r.key}=`, path: p, prefix: false });
  }
  return refs;
}
