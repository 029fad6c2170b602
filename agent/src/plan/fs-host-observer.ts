/**
 * The effectful `HostObserver`: reads files from the real host or from an offline root, and asks
 * `systemctl show` for unit runtime state only when systemd is PID 1 (`/run/systemd/system` exists) and
 * no offline root is in use.
 */
import { existsSync, readFileSync } from "node:fs";
import { open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { hashLargeFile } from "../effects/hash-file.js";
import type { HostObserver, ObservedFile, SystemdAvailability, UnitRuntime } from "./host-observer.js";
import { parseSystemctlShow } from "./systemctl-show.js";

/** Resolves a logical host path under `root` (or returns it unchanged on the real host). */
export function hostPath(root: string | null, path: string): string {
  return root === null ? path : join(root, path);
}

function idNames(file: string): Map<number, string> {
  const names = new Map<number, string>([[0, "root"]]);
  try {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const parts = line.split(":");
      const id = Number(parts[2]);
      if (parts[0] && Number.isInteger(id) && !names.has(id)) names.set(id, parts[0]);
    }
  } catch {
    // no passwd/group file: numeric ids are shown
  }
  return names;
}

export function detectSystemd(root: string | null): SystemdAvailability {
  if (root !== null)
    return {
      running: false,
      note: `offline root ${root}: files only, systemctl is not used and unit runtime state is not observed`,
    };
  if (existsSync("/run/systemd/system"))
    return { running: true, note: "systemd is running: unit runtime state observed through systemctl show" };
  return {
    running: false,
    note: "systemd is not running on this machine (/run/systemd/system is missing): planned on files alone, unit runtime state not observed",
  };
}

export interface HostObserverOptions {
  root: string | null;
  /** Override detection (tests). */
  systemd?: SystemdAvailability;
}

export function createHostObserver(opts: HostObserverOptions): HostObserver {
  const root = opts.root;
  const systemd = opts.systemd ?? detectSystemd(root);
  const etc = (f: string) =>
    root !== null && existsSync(join(root, "etc", f)) ? join(root, "etc", f) : `/etc/${f}`;
  let users: Map<number, string> | undefined;
  let groups: Map<number, string> | undefined;
  const userName = (uid: number) => {
    users ??= idNames(etc("passwd"));
    return users.get(uid) ?? String(uid);
  };
  const groupName = (gid: number) => {
    groups ??= idNames(etc("group"));
    return groups.get(gid) ?? String(gid);
  };

  return {
    mode: root === null ? "host" : "offline_root",
    root,
    systemd,
    async readFile(path: string, opts: { digestAbove?: number } = {}): Promise<ObservedFile | null> {
      const real = hostPath(root, path);
      try {
        const st = await stat(real);
        if (!st.isFile()) return null;
        const facts = { path, mode: st.mode & 0o7777, owner: userName(st.uid), group: groupName(st.gid) };
        if (opts.digestAbove !== undefined && st.size > opts.digestAbove) {
          const head = await this.readHead(path, 256);
          return { ...facts, bytes: head ?? Buffer.alloc(0), large: await hashLargeFile(real) };
        }
        return { ...facts, bytes: await readFile(real) };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return null;
        throw err;
      }
    },
    async readHead(path: string, n: number): Promise<Buffer | null> {
      try {
        const fh = await open(hostPath(root, path), "r");
        try {
          const buf = Buffer.alloc(n);
          const { bytesRead } = await fh.read(buf, 0, n, 0);
          return buf.subarray(0, bytesRead);
        } finally {
          await fh.close();
        }
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return null;
        throw err;
      }
    },
    async listDir(path: string) {
      try {
        const entries = await readdir(hostPath(root, path), { withFileTypes: true });
        return entries
          .map((e) => ({ name: e.name, isDir: e.isDirectory(), isFile: e.isFile() }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return [];
        throw err;
      }
    },
    async unitRuntime(units: readonly string[]): Promise<Map<string, UnitRuntime>> {
      if (!systemd.running || units.length === 0) return new Map();
      const sorted = [...new Set(units)].sort();
      // Loaded on demand: execa costs ~90 ms of start-up, and offline/no-systemd runs never need it.
      const { execa } = await import("execa");
      const result = await execa(
        "systemctl",
        ["show", "--property=Id,LoadState,ActiveState,SubState,UnitFileState", "--", ...sorted],
        { reject: false },
      );
      if (result.exitCode !== 0 && result.stdout.trim() === "")
        throw new Error(`systemctl show failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
      return parseSystemctlShow(result.stdout, sorted);
    },
  };
}
