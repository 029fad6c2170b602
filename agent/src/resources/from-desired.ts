/**
 * DesiredState → normalized managed objects, with the exact bytes, modes and owners apply will write.
 * Units and drop-ins get the managed marker; companions get it when they are comment-capable text.
 */
import { posix } from "node:path";
import { checkConfigDestinations } from "../desired/destinations.js";
import type { DesiredCompanion, DesiredConfig, DesiredState, DesiredUnit } from "../desired/model.js";
import { layoutError } from "../errors.js";
import type { NormalizedObject, ObjectFile } from "./managed-object.js";
import { companionCarriesMarker, managedFileBytes } from "./marker.js";
import { normalizeArtifact } from "./normalize-artifact.js";
import { normalizeUnit } from "./normalize-unit.js";

export interface ManagedDirs {
  /** Logical host path of the Quadlet directory (default /etc/containers/systemd). */
  quadletDir: string;
  /** Logical host path of the native unit directory (default /etc/systemd/system). */
  unitDir: string;
}

export const DEFAULT_QUADLET_DIR = "/etc/containers/systemd";
export const DEFAULT_UNIT_DIR = "/etc/systemd/system";
export const UNIT_FILE_MODE = 0o644;

/**
 * Builds every desired object, sorted by id. Throws layout errors (exit 65) for invalid mounts and for
 * rendered files that collide with, or land in, the effective unit directories `dirs`.
 */
export function desiredObjects(desired: DesiredState, dirs: ManagedDirs): NormalizedObject[] {
  checkConfigDestinations(desired.configs, desired.units, desired.companions, dirs);
  const objects: NormalizedObject[] = [
    ...desired.units.map((u) => unitObject(u, dirs)),
    ...desired.companions.map((c) => companionObject(c, dirs)),
    ...desired.configs.map(configObject),
  ];
  objects.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  checkOneSourcePerId(objects);
  validateAutomounts(objects);
  return objects;
}

function unitObject(u: DesiredUnit, dirs: ManagedDirs): NormalizedObject {
  const dir = u.family === "quadlet" ? dirs.quadletDir : dirs.unitDir;
  const unitFile: ObjectFile = {
    path: posix.join(dir, u.fileName),
    role: "unit",
    bytes: managedFileBytes(u.text),
    mode: UNIT_FILE_MODE,
    owner: "root",
    group: "root",
    source: u.source,
    replaces: null,
    owned: true,
  };
  const dropIns: ObjectFile[] = u.dropIns.map((d) => ({
    path: posix.join(dir, `${u.fileName}.d`, d.name),
    role: "dropin",
    bytes: managedFileBytes(d.text),
    mode: UNIT_FILE_MODE,
    owner: "root",
    group: "root",
    source: d.source,
    replaces: d.replaces ?? null,
    owned: true,
  }));
  return normalizeUnit({ fileName: u.fileName, family: u.family, dir, unitFile, dropIns, strict: true });
}

function companionObject(c: DesiredCompanion, dirs: ManagedDirs): NormalizedObject {
  return normalizeArtifact({
    path: posix.join(dirs.quadletDir, c.relPath),
    role: "companion",
    bytes: companionCarriesMarker(c.relPath, c.content) ? managedFileBytes(c.content) : c.content,
    mode: c.mode,
    owner: "root",
    group: "root",
    source: c.source,
    replaces: null,
    owned: true,
  });
}

function configObject(c: DesiredConfig): NormalizedObject {
  return normalizeArtifact({
    path: c.target,
    role: "config",
    bytes: c.content,
    mode: c.mode,
    owner: c.owner,
    group: c.group,
    source: c.source,
    replaces: c.replaces ?? null,
    owned: true,
  });
}

/** Objects sorted by id: two neighbours with one id are two sources for one destination. */
function checkOneSourcePerId(objects: readonly NormalizedObject[]): void {
  for (let i = 1; i < objects.length; i++) {
    const prev = objects[i - 1] as NormalizedObject;
    const cur = objects[i] as NormalizedObject;
    if (prev.id === cur.id)
      throw layoutError(`two sources for one destination: ${cur.id}`, {
        code: "destination_conflict",
        file: cur.files[0]?.source?.path ?? cur.id,
        related: [prev.files[0]?.source?.path ?? prev.id],
        hint: "keep one of the files",
      });
  }
}

/** An automount needs the matching `.mount` (same stem) in the desired state, network-backed, same Where. */
function validateAutomounts(objects: NormalizedObject[]): void {
  const byName = new Map(objects.map((o) => [o.name, o]));
  for (const o of objects) {
    if (o.kind !== "automount") continue;
    const stem = o.name.slice(0, -".automount".length);
    const file = o.files.find((f) => f.role === "unit")?.source?.path ?? o.name;
    const mount = byName.get(`${stem}.mount`);
    if (mount?.kind !== "mount" || !mount.mount)
      throw layoutError(`managed automount artifact requires matching mount artifact: ${stem}`, {
        code: "automount_without_mount",
        file,
        hint: `add ${stem}.mount to the same service`,
      });
    if (!mount.mount.networkBacked)
      throw layoutError(`automount requires network-backed mount declaration: ${stem}`, {
        code: "automount_not_network",
        file,
        related: [mount.files.find((f) => f.role === "unit")?.source?.path ?? mount.name],
        field: "[Mount] Type",
        hint: `automount only for network file systems (nfs, nfs4, cifs, smbfs, sshfs, glusterfs, ceph, cephfs); ${stem}.mount has Type=${mount.mount.type ?? "(none)"} — remove ${o.name} or mount a network file system`,
      });
    if (o.mount && o.mount.where !== mount.mount.where)
      throw layoutError(
        `automount Where does not match mount target: ${o.mount.where} != ${mount.mount.where}`,
        {
          code: "automount_where_mismatch",
          file,
          field: "[Automount] Where",
          hint: "use the same Where= in the .mount and the .automount",
        },
      );
  }
}
