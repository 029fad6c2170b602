/**
 * The real `HostFs`, optionally rooted (`--root DIR`: every logical host path maps under DIR through the
 * `RootResolver`, which confines every lookup to the root and never follows a managed leaf that is a
 * symlink). Counts the mutations it performs (the bench and the re-apply tests assert a converged apply
 * writes nothing).
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  rmdirSync,
  type Stats,
  symlinkSync,
  unlinkSync,
} from "node:fs";
import { dirname } from "node:path";
import type { FileFacts, HostFs } from "../apply/ports.js";
import { writeFileAtomic } from "../state/atomic-file.js";
import { RootResolver } from "./root-resolver.js";

/** A regular file read without following a symlink at the leaf, with the facts of what was read. */
export interface RegularFile {
  bytes: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Opens a managed file for reading without following its leaf or blocking: null when it is absent, a
 * symlink, a directory, or anything but a regular file (a FIFO or a device is never read). The caller
 * closes the descriptor.
 */
function openRegular(real: string): { fd: number; st: Stats } | null {
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP" || code === "EISDIR") return null;
    throw err;
  }
  let st: Stats | undefined;
  try {
    st = fstatSync(fd);
  } finally {
    if (!st?.isFile()) closeSync(fd);
  }
  return st.isFile() ? { fd, st } : null;
}

/**
 * Reads a regular file (at most `limit` bytes when given) without following a symlink at the leaf;
 * null when it is absent, a symlink, a directory or anything else.
 */
export function readRegularFile(real: string, limit?: number): RegularFile | null {
  const opened = openRegular(real);
  if (opened === null) return null;
  const { fd, st } = opened;
  try {
    let bytes: Buffer;
    if (limit === undefined) bytes = readFileSync(fd);
    else {
      const buf = Buffer.alloc(limit);
      const n = readSync(fd, buf, 0, limit, 0);
      bytes = buf.subarray(0, n);
    }
    return { bytes, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } finally {
    closeSync(fd);
  }
}

export class NodeHostFs implements HostFs {
  writes = 0;
  removals = 0;
  private users: Map<string, number> | undefined;
  private groups: Map<string, number> | undefined;
  private readonly resolver: RootResolver;

  constructor(
    readonly root: string | null,
    private readonly mountinfoPath = process.env.CORE_OPS_MOUNTINFO_PATH ?? "/proc/self/mountinfo",
  ) {
    this.resolver = new RootResolver(root);
  }

  /** The real path of a managed file: parents resolved inside the root, the leaf itself not followed. */
  resolve(path: string): string {
    return this.resolver.resolve(path);
  }

  /** The real path of a directory (listed or created): the leaf is followed, inside the root. */
  private resolveDir(path: string): string {
    return this.resolver.resolve(path, { followLeaf: true });
  }

  read(path: string): Buffer | null {
    return readRegularFile(this.resolve(path))?.bytes ?? null;
  }

  sameContent(path: string, expected: Uint8Array): boolean {
    const opened = openRegular(this.resolve(path));
    if (opened === null) return false;
    const { fd, st } = opened;
    try {
      if (st.size !== expected.length) return false;
      const piece = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(expected.length, 1)));
      let off = 0;
      while (off < expected.length) {
        const n = readSync(fd, piece, 0, Math.min(piece.length, expected.length - off), off);
        if (n === 0) return false;
        if (Buffer.compare(piece.subarray(0, n), expected.subarray(off, off + n)) !== 0) return false;
        off += n;
      }
      return readSync(fd, piece, 0, 1, off) === 0;
    } finally {
      closeSync(fd);
    }
  }

  stat(path: string): FileFacts | null {
    try {
      const s = lstatSync(this.resolve(path));
      const kind = s.isSymbolicLink()
        ? "symlink"
        : s.isFile()
          ? "file"
          : s.isDirectory()
            ? "directory"
            : "other";
      return { kind, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw err;
    }
  }

  readlink(path: string): string | null {
    try {
      return readlinkSync(this.resolve(path));
    } catch {
      return null;
    }
  }

  writeAtomic(path: string, content: Uint8Array, mode: number, uid: number, gid: number): void {
    const chown = typeof process.getuid === "function" && process.getuid() === 0;
    writeFileAtomic(this.resolve(path), content, { mode, ...(chown ? { uid, gid } : {}) });
    this.writes += 1;
  }

  remove(path: string): boolean {
    try {
      unlinkSync(this.resolve(path));
      this.removals += 1;
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw err;
    }
  }

  removeEmptyDir(path: string): boolean {
    try {
      rmdirSync(this.resolve(path));
      this.removals += 1;
      return true;
    } catch {
      return false;
    }
  }

  mkdirp(path: string, mode: number): boolean {
    const real = this.resolveDir(path);
    try {
      if (lstatSync(real).isDirectory()) return false;
    } catch {
      // absent: created below
    }
    mkdirSync(real, { recursive: true, mode });
    this.writes += 1;
    return true;
  }

  list(path: string): string[] {
    try {
      return readdirSync(this.resolveDir(path)).sort();
    } catch {
      return [];
    }
  }

  symlink(target: string, path: string): void {
    const real = this.resolve(path);
    mkdirSync(dirname(real), { recursive: true, mode: 0o755 });
    try {
      unlinkSync(real);
    } catch {}
    symlinkSync(target, real);
    this.writes += 1;
  }

  mountinfo(): string {
    if (this.root) return ""; // an offline root has nothing mounted
    try {
      return readFileSync(this.mountinfoPath, "utf8");
    } catch {
      return "";
    }
  }

  private idMap(kind: "passwd" | "group"): Map<string, number> {
    const map = new Map<string, number>([["root", 0]]);
    // Fedora CoreOS keeps system users in /usr/lib/{passwd,group} (nss-altfiles) besides /etc.
    for (const file of [`/usr/lib/${kind}`, `/etc/${kind}`]) {
      const text = this.read(file)?.toString("utf8");
      if (!text) continue;
      for (const line of text.split("\n")) {
        const f = line.split(":");
        const id = Number(f[2]);
        if (f[0] && Number.isInteger(id)) map.set(f[0], id);
      }
    }
    return map;
  }

  uid(owner: string): number | null {
    if (/^\d+$/.test(owner)) return Number(owner);
    this.users ??= this.idMap("passwd");
    return this.users.get(owner) ?? null;
  }

  gid(group: string): number | null {
    if (/^\d+$/.test(group)) return Number(group);
    this.groups ??= this.idMap("group");
    return this.groups.get(group) ?? null;
  }
}
