/**
 * The effectful `HostObserver`: reads files from the real host or from an offline root — through the same
 * `RootResolver` apply writes through (parents resolved inside the root, a symlink at a managed path is
 * observed as "not a regular file", never followed) — and asks
 * `systemctl show` for unit runtime state only when systemd is PID 1 (`/run/systemd/system` exists) and
 * no offline root is in use.
 */
import { existsSync, lstatSync } from "node:fs";
import { readdir } from "node:fs/promises";
import type { HostObserver, ObservedFile, SystemdAvailability, UnitRuntime } from "../plan/host-observer.js";
import { hashLargeFile } from "./hash-file.js";
import { readRegularFile } from "./host-fs.js";
import { RootResolver } from "./root-resolver.js";
import { parseSystemctlShow } from "./systemctl-show.js";

/** The real path of a logical host path under `root` (the leaf not followed); see `RootResolver`. */
export function hostPath(root: string | null, path: string): string {
  return new RootResolver(root).resolve(path);
}

function idNames(text: string | null): Map<number, string> {
  const names = new Map<number, string>([[0, "root"]]);
  for (const line of (text ?? "").split("\n")) {
    const parts = line.split(":");
    const id = Number(parts[2]);
    if (parts[0] && Number.isInteger(id) && !names.has(id)) names.set(id, parts[0]);
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

/**
 * The observer: one closure over the root, its resolver and the id-name caches, returning the four
 * `HostObserver` methods (over 60 lines because the methods are written inline, sharing that state).
 */
// size: the cases (or inline methods) share one scope and read side by side; splitting scatters them
export function createHostObserver(opts: HostObserverOptions): HostObserver {
  const root = opts.root;
  const systemd = opts.systemd ?? detectSystemd(root);
  const resolver = new RootResolver(root);
  // The root's passwd/group when it has them (read like any managed path: no leaf link followed), else
  // this machine's; without either, numeric ids are shown.
  const etc = (f: string): string | null => {
    const inRoot = root === null ? null : readRegularFile(resolver.resolve(`/etc/${f}`));
    return (inRoot ?? readRegularFile(`/etc/${f}`))?.bytes.toString("utf8") ?? null;
  };
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
      const real = resolver.resolve(path);
      if (opts.digestAbove !== undefined) {
        let size: number;
        try {
          const st = lstatSync(real);
          if (!st.isFile()) return null; // a symlink at a managed path is not followed
          size = st.size;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "ENOENT" || code === "ENOTDIR") return null;
          throw err;
        }
        if (size > opts.digestAbove) {
          const head = readRegularFile(real, 256);
          if (head === null) return null;
          const facts = { path, mode: head.mode, owner: userName(head.uid), group: groupName(head.gid) };
          return { ...facts, bytes: head.bytes, large: await hashLargeFile(real) };
        }
      }
      const f = readRegularFile(real);
      if (f === null) return null;
      return { path, bytes: f.bytes, mode: f.mode, owner: userName(f.uid), group: groupName(f.gid) };
    },
    async readHead(path: string, n: number): Promise<Buffer | null> {
      return readRegularFile(resolver.resolve(path), n)?.bytes ?? null;
    },
    async listDir(path: string) {
      try {
        const entries = await readdir(resolver.resolve(path, { followLeaf: true }), { withFileTypes: true });
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
