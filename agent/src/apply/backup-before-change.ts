/**
 * Never destroy what someone else changed: before apply overwrites or removes a host file, bytes that
 * CoreOps did not provably write are saved to the backup store (README "What CoreOps owns and where it
 * writes").
 */

import { sha256 } from "../digest.js";
import type { BackupReason } from "../state/backups.js";
import { type ExecutionContext, errText } from "./execution-context.js";
import type { ApplyObject } from "./model.js";

const BACKUP_WHY: Record<BackupReason, string> = {
  taken_over: "taken over: not written by CoreOps",
  edited: "edited since CoreOps wrote it",
  unrecorded: "no last-applied record proves CoreOps wrote these bytes",
};

/**
 * Saves the bytes at `path` to the backup store unless CoreOps provably wrote them (their sha256 is
 * the last-applied one) or they equal `next`. Returns false when they could not be saved: the path is
 * then left alone (never destroy what someone else changed).
 */
export function preserve(ctx: ExecutionContext, o: ApplyObject, path: string, next: Buffer | null): boolean {
  const sink = ctx.ports.backups;
  if (!sink) return true;
  const facts = ctx.ports.fs.stat(path);
  if (facts?.kind !== "file" && facts?.kind !== "symlink") return true;
  const link = facts.kind === "symlink" ? ctx.ports.fs.readlink(path) : null;
  const bytes = facts.kind === "file" ? ctx.ports.fs.read(path) : link === null ? null : Buffer.from(link);
  if (bytes === null) return true;
  const known = o.hostFiles[path];
  if (facts.kind === "file") {
    if (next?.equals(bytes)) return true;
    if (known?.appliedDigest && sha256(bytes) === known.appliedDigest) return true;
  }
  const reason: BackupReason = !known?.owned ? "taken_over" : known.appliedDigest ? "edited" : "unrecorded";
  try {
    const entry = sink.save({
      path,
      reason,
      kind: facts.kind,
      bytes,
      mode: facts.mode,
      uid: facts.uid,
      gid: facts.gid,
    });
    ctx.saved.push(entry);
    ctx.record(
      o.id,
      "backup",
      path,
      "succeeded",
      `${BACKUP_WHY[reason]}; saved to ${sink.dir}/${entry.file}`,
    );
    return true;
  } catch (err) {
    ctx.record(o.id, "backup", path, "failed", errText(err));
    ctx.fail(o.id, "backup_failed", `${path}: could not save its bytes before changing it: ${errText(err)}`);
    return false;
  }
}
