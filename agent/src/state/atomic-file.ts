/**
 * Durable replacement of a whole file: write a temp file next to it, fsync, rename over the target,
 * fsync the directory. A reader sees the old or the new content, never a mix — also after SIGKILL or a
 * power cut. Used for status.json, snapshots.json and every file apply writes.
 */
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  /** Permission bits of the new file (default 0o644). */
  mode?: number;
  /** Numeric owner to set before the rename (root only); omitted = the writer's. */
  uid?: number;
  gid?: number;
  /** Create missing parent directories (mode `dirMode`). Default true. */
  mkdirs?: boolean;
  /** Mode of directories created by `mkdirs` (default 0o755). */
  dirMode?: number;
}

let counter = 0;

/** Temp files are `.<name>.core-ops-tmp-<pid>-<n>`: hidden, and recognisable as ours after a crash. */
export function tempPathFor(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.core-ops-tmp-${process.pid}-${counter}`);
}

export function isCoreOpsTempFile(name: string): boolean {
  return /^\..+\.core-ops-tmp-\d+-\d+$/.test(name);
}

/** fsync of a directory (makes its entries durable); a no-op where the file system refuses it. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): void {
  const dir = dirname(target);
  if (opts.mkdirs !== false) mkdirSync(dir, { recursive: true, mode: opts.dirMode ?? 0o755 });
  const tmp = tempPathFor(target);
  const mode = opts.mode ?? 0o644;
  const fd = openSync(tmp, "wx", mode);
  try {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (opts.uid !== undefined || opts.gid !== undefined) {
      fchownSync(fd, opts.uid ?? -1, opts.gid ?? -1);
    }
    // openSync's mode is filtered by the umask; set it exactly.
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw err;
  }
  fsyncDir(dir);
}
