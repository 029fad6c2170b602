/**
 * The real `HostFs`, optionally rooted (`--root DIR`: every logical host path maps under DIR). Counts the
 * mutations it performs (the bench and the re-apply tests assert a converged apply writes nothing).
 */
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
} from "node:fs";
import { join } from "node:path";
import type { FileFacts, HostFs } from "../apply/ports.js";
import { writeFileAtomic } from "../state/atomic-file.js";

export class NodeHostFs implements HostFs {
  writes = 0;
  removals = 0;
  private users: Map<string, number> | undefined;
  private groups: Map<string, number> | undefined;

  constructor(
    readonly root: string | null,
    private readonly mountinfoPath = process.env.CORE_OPS_MOUNTINFO_PATH ?? "/proc/self/mountinfo",
  ) {}

  resolve(path: string): string {
    return this.root ? join(this.root, path) : path;
  }

  read(path: string): Buffer | null {
    try {
      return readFileSync(this.resolve(path));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return null;
      throw err;
    }
  }

  sameContent(path: string, expected: Uint8Array): boolean {
    let fd: number;
    try {
      fd = openSync(this.resolve(path), "r");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return false;
      throw err;
    }
    try {
      if (fstatSync(fd).size !== expected.length) return false;
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
    if (this.stat(path)?.kind === "directory") return false;
    mkdirSync(this.resolve(path), { recursive: true, mode });
    this.writes += 1;
    return true;
  }

  list(path: string): string[] {
    try {
      return readdirSync(this.resolve(path)).sort();
    } catch {
      return [];
    }
  }

  symlink(target: string, path: string): void {
    const real = this.resolve(path);
    mkdirSync(join(real, ".."), { recursive: true, mode: 0o755 });
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
