/**
 * What planning may learn about the host, behind one small interface created at the CLI edge
 * (`createHostObserver` in ../effects/fs-host-observer.ts). Paths are logical host paths (`/etc/...`); an offline
 * root resolves them under its directory. Runtime state is only ever reported when systemd was asked.
 */

import type { LargeContent } from "../model/large-content.js";

export interface ObservedFile {
  /** Logical host path. */
  path: string;
  /** All bytes; for a file read with `digestAbove` and larger than that, only its first 256 bytes. */
  bytes: Buffer;
  /** Set when the file was larger than `digestAbove`: its size and digests stand for the bytes. */
  large?: LargeContent;
  /** Permission bits (e.g. 0o644). */
  mode: number;
  owner: string;
  group: string;
}

export interface UnitRuntime {
  unit: string;
  loadState: string;
  activeState: string;
  subState: string;
  unitFileState: string;
}

export interface SystemdAvailability {
  running: boolean;
  /** Human sentence: why runtime state was or was not observed. */
  note: string;
}

export interface HostObserver {
  readonly mode: "host" | "offline_root";
  /** The offline root directory, null on the real host. */
  readonly root: string | null;
  /** Whether `systemctl show` is consulted; decided once, at creation. */
  readonly systemd: SystemdAvailability;
  /**
   * A regular file (symlinks followed), or null when absent or not a regular file. With `digestAbove`, a
   * larger file is hashed as a stream instead of read (see `ObservedFile.large`).
   */
  readFile(path: string, opts?: { digestAbove?: number }): Promise<ObservedFile | null>;
  /** The first `n` bytes of a file (for marker checks), null when absent. */
  readHead(path: string, n: number): Promise<Buffer | null>;
  /** Entry names of a directory, sorted; `[]` when it does not exist. `dirs` tells which are directories. */
  listDir(path: string): Promise<{ name: string; isDir: boolean; isFile: boolean }[]>;
  /** Runtime state of units via `systemctl show`; an empty map when systemd is not running. */
  unitRuntime(units: readonly string[]): Promise<Map<string, UnitRuntime>>;
}
