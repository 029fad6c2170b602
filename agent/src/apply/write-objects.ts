/**
 * Step 3 of an execution (executor.ts): the files of each object written in plan order — only those
 * whose bytes, mode or owner differ, mountpoints prepared first — and the files an object no longer has
 * removed; foreign bytes are saved first (backup-before-change.ts).
 */

import { writesFiles } from "../model/actions.js";
import { preserve } from "./backup-before-change.js";
import { removeDebris } from "./debris.js";
import { type ExecutionContext, errText } from "./execution-context.js";
import type { ApplyObject, DesiredFile } from "./model.js";
import { fileDiffers } from "./offline-check.js";

/** What writing one object did: changed the host, and changed a unit-like file (daemon-reload). */
export interface WriteOutcome {
  changed: boolean;
  unitFilesChanged: boolean;
}

/** Removes an owned file (its bytes saved first when not provably CoreOps's); true when it was removed. */
export function removeFile(ctx: ExecutionContext, o: ApplyObject, path: string): boolean {
  const object = o.id;
  if (!preserve(ctx, o, path, null)) return false;
  try {
    if (!ctx.ports.fs.remove(path)) return false;
    ctx.record(object, "remove", path, "succeeded");
    // A drop-in directory left empty goes too.
    const dir = path.slice(0, path.lastIndexOf("/"));
    if (dir.endsWith(".d")) ctx.ports.fs.removeEmptyDir(dir);
    return true;
  } catch (err) {
    ctx.record(object, "remove", path, "failed", errText(err));
    ctx.fail(object, "remove_failed", `${path}: ${errText(err)}`);
    return false;
  }
}

/** A mount's mountpoint: created when missing and allowed; "invalid" fails the object (nothing is written). */
function prepareMountpoint(
  ctx: ExecutionContext,
  o: ApplyObject,
  mount: NonNullable<ApplyObject["mount"]>,
): "created" | "present" | "invalid" {
  const facts = ctx.ports.fs.stat(mount.where);
  if (facts && facts.kind !== "directory") {
    ctx.record(o.id, "prepare_mountpoint", mount.where, "failed", "exists and is not a directory");
    ctx.fail(o.id, "mountpoint_invalid", `mountpoint ${mount.where} exists and is not a directory`);
    return "invalid";
  }
  if (!facts && !mount.createMountpoint) {
    ctx.record(o.id, "prepare_mountpoint", mount.where, "failed", "missing and CreateMountpoint=false");
    ctx.fail(o.id, "mountpoint_invalid", `mountpoint ${mount.where} is missing and CreateMountpoint=false`);
    return "invalid";
  }
  if (facts) return "present";
  ctx.ports.fs.mkdirp(mount.where, 0o755);
  ctx.record(o.id, "prepare_mountpoint", mount.where, "succeeded");
  return "created";
}

/** Writes one desired file when it differs on the host; true when it was written. */
function writeFile(ctx: ExecutionContext, o: ApplyObject, f: DesiredFile): boolean {
  const uid = ctx.ports.fs.uid(f.owner);
  const gid = ctx.ports.fs.gid(f.group);
  if (uid === null || gid === null) {
    const which = uid === null ? `owner ${f.owner}` : `group ${f.group}`;
    ctx.record(o.id, "write", f.path, "failed", `unknown ${which}`);
    ctx.fail(o.id, "unknown_owner", `${f.path}: unknown ${which} on this host`);
    return false;
  }
  if (!fileDiffers(ctx.ports.fs, f, uid, gid)) return false;
  if (!preserve(ctx, o, f.path, f.content)) return false;
  try {
    ctx.ports.fs.writeAtomic(f.path, f.content, f.mode, uid, gid);
    ctx.record(o.id, "write", f.path, "succeeded");
    return true;
  } catch (err) {
    ctx.record(o.id, "write", f.path, "failed", errText(err));
    ctx.fail(o.id, "write_failed", `${f.path}: ${errText(err)}`);
    return false;
  }
}

/** Removes `o`'s remove paths; true when any was removed (a removed file is always unit-like here). */
function removePaths(ctx: ExecutionContext, o: ApplyObject): boolean {
  let removed = false;
  for (const path of o.removePaths) if (removeFile(ctx, o, path)) removed = true;
  return removed;
}

/** Writes one object that stays (an object whose action writes no files only loses its stale paths). */
export function writeObject(ctx: ExecutionContext, o: ApplyObject): WriteOutcome {
  if (!writesFiles(o.action)) {
    const removed = removePaths(ctx, o);
    return { changed: removed, unitFilesChanged: removed };
  }
  let changed = false;
  let unitFilesChanged = false;
  if (o.mount) {
    const mountpoint = prepareMountpoint(ctx, o, o.mount);
    if (mountpoint === "invalid") return { changed, unitFilesChanged };
    if (mountpoint === "created") changed = true;
  }
  for (const f of o.files) {
    if (!writeFile(ctx, o, f)) continue;
    changed = true;
    if (f.unitFile) unitFilesChanged = true;
  }
  if (removePaths(ctx, o)) changed = unitFilesChanged = true;
  return { changed, unitFilesChanged };
}

/**
 * The write phase: debris first, then every object that stays in plan order, then the files of what
 * leaves. Returns the objects that changed and whether a unit-like file changed.
 */
export function writePhase(
  ctx: ExecutionContext,
  keeps: readonly ApplyObject[],
  deletes: readonly ApplyObject[],
): { changedObjects: Set<string>; unitFilesChanged: boolean } {
  const changedObjects = new Set<string>();
  let unitFilesChanged = false;
  removeDebris(ctx);
  for (const o of keeps) {
    if (ctx.failures.has(o.id)) continue;
    const r = writeObject(ctx, o);
    if (r.changed) changedObjects.add(o.id);
    if (r.unitFilesChanged) unitFilesChanged = true;
  }
  for (const o of deletes) {
    if (ctx.failures.has(o.id)) continue;
    for (const path of o.removePaths) if (removeFile(ctx, o, path)) unitFilesChanged = true;
  }
  return { changedObjects, unitFilesChanged };
}
