/**
 * The backup store: the bytes CoreOps was about to overwrite or delete although it could not prove it
 * wrote them (README "What CoreOps owns and where it writes"). It lives in `backup/` next to the state
 * file (`/var/lib/core-ops/backup/`), never in a directory systemd or Podman reads; the directory is 0700,
 * every file in it 0600. `index.json` (schema below) lists the entries, newest last.
 *
 * Bounded: at most `MAX_BACKUP_ENTRIES` entries and `MAX_BACKUP_BYTES` of saved bytes; the oldest entries
 * are removed first, and the newest entry is always kept (even when it alone exceeds the byte bound).
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { CoreOpsError, ExitCode } from "../errors.js";
import { writeFileAtomic } from "./atomic-file.js";

export const MAX_BACKUP_ENTRIES = 100;
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024;
export const BACKUP_FILE_MODE = 0o600;
export const BACKUP_DIR_MODE = 0o700;

/**
 * Why the bytes were saved: `taken_over` — a file CoreOps did not write sat at a declared path;
 * `edited` — a file CoreOps wrote was changed since (drift restored, or an edited object deleted with
 * `--delete-edited`); `unrecorded` — marked as CoreOps's, but no last-applied record proves the bytes.
 */
export const BackupReasonSchema = z.enum(["taken_over", "edited", "unrecorded"]);
export type BackupReason = z.infer<typeof BackupReasonSchema>;

export const BackupEntrySchema = z.object({
  /** Logical host path the bytes were at. */
  path: z.string().startsWith("/"),
  reason: BackupReasonSchema,
  /** What was there: a regular file (its bytes) or a symlink (its target, as bytes). */
  kind: z.enum(["file", "symlink"]),
  /** File name inside the backup directory. */
  file: z.string().regex(/^[0-9A-Za-z._-]+$/),
  saved_at: z.iso.datetime({ offset: false }),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  mode: z.number().int().nonnegative(),
  uid: z.number().int(),
  gid: z.number().int(),
});
export type BackupEntry = z.infer<typeof BackupEntrySchema>;

export const BackupIndexSchema = z.object({
  schema_version: z.literal(1),
  entries: z.array(BackupEntrySchema),
});
export type BackupIndex = z.infer<typeof BackupIndexSchema>;

/** `backup/` next to the state file. */
export function backupDirFor(stateFile: string): string {
  return join(dirname(resolve(stateFile)), "backup");
}

/** Directories systemd or Podman read units, drop-ins or Quadlet files from (real paths on this machine). */
const SYSTEMD_READ_DIRS = [
  "/etc/systemd",
  "/run/systemd",
  "/usr/lib/systemd",
  "/lib/systemd",
  "/usr/local/lib/systemd",
  "/etc/containers/systemd",
  "/run/containers/systemd",
  "/usr/share/containers/systemd",
];

function inside(dir: string, path: string): boolean {
  const d = dir.replace(/\/+$/, "");
  return path === d || path.startsWith(`${d}/`);
}

/**
 * Refuses a backup directory systemd or Podman would read: under a unit or Quadlet directory (`readDirs`
 * adds the real paths of the managed ones), or inside any `*.d/` directory. Checked before apply writes.
 */
export function checkBackupDir(dir: string, readDirs: readonly string[]): void {
  const real = resolve(dir);
  const hit =
    [...SYSTEMD_READ_DIRS, ...readDirs].find((d) => inside(d, real)) ??
    (real.split("/").some((c) => c.endsWith(".d")) ? "a *.d/ directory" : undefined);
  if (hit !== undefined)
    throw new CoreOpsError(`refusing to keep backups in ${real}: systemd or Podman reads ${hit}`, {
      code: "backup_dir_refused",
      file: real,
      exitCode: ExitCode.usage,
      hint: "backups live in backup/ next to the state file; move the state file (--state-file, CORE_OPS_STATE_FILE) out of unit, Quadlet and *.d directories",
    });
}

export type BackupRead = { kind: "ok"; index: BackupIndex } | { kind: "invalid"; reason: string };

/** The index; an absent directory or index is an empty index. */
export function readBackupIndex(dir: string): BackupRead {
  let text: string;
  try {
    text = readFileSync(join(dir, "index.json"), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      return { kind: "ok", index: { schema_version: 1, entries: [] } };
    throw err;
  }
  try {
    const parsed = BackupIndexSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { kind: "ok", index: parsed.data };
    return { kind: "invalid", reason: parsed.error.issues[0]?.message ?? "invalid" };
  } catch (err) {
    return { kind: "invalid", reason: err instanceof Error ? err.message : String(err) };
  }
}

export interface BackupItem {
  path: string;
  reason: BackupReason;
  kind: "file" | "symlink";
  bytes: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

function stamp(iso: string): string {
  return iso.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** Saves one item (file first, index second, both 0600) and prunes to the bound. Returns its entry. */
export function saveBackup(
  dir: string,
  item: BackupItem,
  now: Date = new Date(),
  bounds: { entries: number; bytes: number } = { entries: MAX_BACKUP_ENTRIES, bytes: MAX_BACKUP_BYTES },
): BackupEntry {
  mkdirSync(dir, { recursive: true, mode: BACKUP_DIR_MODE });
  chmodSync(dir, BACKUP_DIR_MODE);
  const read = readBackupIndex(dir);
  // An unreadable index is replaced: the bytes being saved now matter more than a broken listing.
  const entries = read.kind === "ok" ? [...read.index.entries] : [];
  const hex = createHash("sha256").update(item.bytes).digest("hex");
  const savedAt = now.toISOString().replace(/\.\d+Z$/, "Z");
  const file = `${stamp(now.toISOString())}-${hex.slice(0, 16)}.bak`;
  writeFileAtomic(join(dir, file), item.bytes, { mode: BACKUP_FILE_MODE, mkdirs: false });
  const entry: BackupEntry = {
    path: item.path,
    reason: item.reason,
    kind: item.kind,
    file,
    saved_at: savedAt,
    size: item.bytes.length,
    sha256: `sha256:${hex}`,
    mode: item.mode,
    uid: item.uid,
    gid: item.gid,
  };
  entries.push(entry);
  let total = entries.reduce((n, e) => n + e.size, 0);
  while (entries.length > 1 && (entries.length > bounds.entries || total > bounds.bytes)) {
    const old = entries.shift() as BackupEntry;
    total -= old.size;
    if (!entries.some((e) => e.file === old.file)) rmSync(join(dir, old.file), { force: true });
  }
  const index: BackupIndex = { schema_version: 1, entries };
  writeFileAtomic(join(dir, "index.json"), `${JSON.stringify(index, null, 2)}\n`, {
    mode: BACKUP_FILE_MODE,
    mkdirs: false,
  });
  return entry;
}
