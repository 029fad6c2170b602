import type { BackupEntry, BackupItem } from "../state/backups.js";

/**
 * The effects apply needs, as small interfaces (ARCHITECTURE.md "Seams"). Implementations live in src/effects/ and are
 * created at the CLI edge: `SystemctlSystemd` + `NodeHostFs` on a host, `OfflineSystemd` + `NodeHostFs`
 * rooted at DIR for `--root`. Tests use a recording double for the executor's own logic only.
 */

/** `systemctl show` properties, by name (e.g. LoadState, ActiveState, SubState, NRestarts, FragmentPath). */
export type UnitProperties = Readonly<Record<string, string>>;

/** What an enablement derives from a native unit's `[Install]` section. */
export interface InstallInfo {
  wantedBy: string[];
  requiredBy: string[];
  alias: string[];
  also: string[];
}

export interface Systemd {
  /**
   * `host`: a running systemd is driven through systemctl. `offline_root`: no manager — only enablement
   * (symlinks as `systemctl --root` makes them); every runtime operation is a programming error.
   */
  readonly mode: "host" | "offline_root";
  daemonReload(): Promise<void>;
  /** One properties record per unit, in the order asked. */
  show(units: readonly string[], properties: readonly string[]): Promise<UnitProperties[]>;
  start(unit: string): Promise<void>;
  stop(unit: string): Promise<void>;
  /** Forgets a unit's failed state (`systemctl reset-failed`): a removed unit whose stop ended with a failure
   * exit would otherwise stay listed by `systemctl --failed` after its files are gone. */
  resetFailed(unit: string): Promise<void>;
  restart(unit: string): Promise<void>;
  /** Enables a native unit; `install` is its parsed `[Install]` section. Returns true when something changed. */
  enable(unit: string, unitPath: string, install: InstallInfo): Promise<boolean>;
  disable(unit: string, unitPath: string, install: InstallInfo): Promise<boolean>;
  isActive(unit: string): Promise<string>;
}

/** A failure of a systemctl operation, with what systemctl said. */
export class SystemdOperationError extends Error {
  constructor(
    readonly operation: string,
    readonly unit: string | null,
    readonly detail: string,
  ) {
    super(`systemctl ${operation}${unit ? ` ${unit}` : ""} failed: ${detail}`);
    this.name = "SystemdOperationError";
  }
}

export interface FileFacts {
  kind: "file" | "directory" | "symlink" | "other";
  mode: number;
  uid: number;
  gid: number;
}

/** The host's file system as apply sees it. Paths are logical host paths (`/etc/…`); a rooted
 * implementation maps them under its root. */
export interface HostFs {
  readonly root: string | null;
  /** The real path a logical host path maps to (for messages). */
  resolve(path: string): string;
  read(path: string): Buffer | null;
  /** Whether the file holds exactly `expected`, compared piece by piece (never a second full copy). */
  sameContent(path: string, expected: Uint8Array): boolean;
  stat(path: string): FileFacts | null;
  readlink(path: string): string | null;
  /** Temp file + fsync + rename, parents created, exact mode and owner. */
  writeAtomic(path: string, content: Uint8Array, mode: number, uid: number, gid: number): void;
  /** Removes a file or symlink; false when it was already absent. */
  remove(path: string): boolean;
  /** Removes an empty directory; false when absent or not empty. */
  removeEmptyDir(path: string): boolean;
  mkdirp(path: string, mode: number): boolean;
  /** Entry names of a directory, sorted; [] when it does not exist. */
  list(path: string): string[];
  symlink(target: string, path: string): void;
  /** Text of /proc/self/mountinfo (CORE_OPS_MOUNTINFO_PATH is the test seam), "" when unavailable. */
  mountinfo(): string;
  /** Resolves a user or group name (or a numeric id) through the host's passwd/group files. */
  uid(owner: string): number | null;
  gid(group: string): number | null;
}

/** Where bytes CoreOps cannot prove it wrote are saved before they are overwritten or removed. */
export interface BackupSink {
  /** The backup directory (for messages). */
  readonly dir: string;
  save(item: BackupItem): BackupEntry;
}

/** A Podman container's state as `podman container inspect` reports it (null: no such container). */
export interface ContainerState {
  status: string;
  exitCode: number;
}

/**
 * Podman's view of a Quadlet container. The unit of a container that exits at once stays `active` until
 * conmon has cleaned up (seconds on a slow host), so verification asks Podman itself.
 */
export interface ContainerRuntime {
  state(name: string): Promise<ContainerState | null>;
}

/** Runs the Quadlet generator in dry-run mode and returns what it said about `fileName`. */
export interface QuadletDryRun {
  explain(fileName: string): Promise<string | null>;
}
