/**
 * The layered desired state of one host, as read from a desired-state repository (ARCHITECTURE.md
 * "The desired-state repository").
 * Everything here is plain data: the loader produces it, the planner consumes it.
 */

/** Which layer of the repository supplied a file. */
export type Layer = "base" | "host";

/** Where a file came from: its layer and its repository-relative, '/'-separated path. */
export interface SourceRef {
  layer: Layer;
  path: string;
}

/** One drop-in of a unit, after layering. */
export interface DesiredDropIn {
  /** File name, e.g. `10-limits.conf` (written as `<unit>.d/<name>`). */
  name: string;
  source: SourceRef;
  text: string;
  /** Set when a host drop-in of the same name replaced a base drop-in: the replaced file. */
  replaces?: SourceRef;
}

/** A Quadlet file or a native unit file of a selected service. */
export interface DesiredUnit {
  service: string;
  /** File name as written, e.g. `frontend.container` or `var-lib-immich-media.mount`. */
  fileName: string;
  family: "quadlet" | "native";
  source: SourceRef;
  /** The unit file's original text (UTF-8), untouched. */
  text: string;
  /** Effective drop-ins in application order (lexical by name; base first, then host). */
  dropIns: DesiredDropIn[];
}

/** A non-unit file that a Quadlet file references; deployed next to the Quadlet files. */
export interface DesiredCompanion {
  service: string;
  /** Path relative to the service directory (and to the quadlet dir it is written to), '/'-separated. */
  relPath: string;
  source: SourceRef;
  content: Buffer;
  /** 0o644, or 0o755 when the file is executable in the repository. */
  mode: number;
  /** File names of the Quadlet files that reference it, sorted. */
  referencedBy: string[];
}

/** A rendered host file under /etc. */
export interface DesiredConfig {
  service: string;
  /** Absolute target path, always under `/etc/`. */
  target: string;
  source: SourceRef;
  /** Set when a host override replaced the base file: the replaced base file. */
  replaces?: SourceRef;
  content: Buffer;
  /** 0o644, or 0o755 when the file is executable in the repository. */
  mode: number;
  owner: string;
  group: string;
}

/** Where the desired state was read from. */
export interface DesiredSource {
  kind: "directory" | "git";
  /** The local directory that was read (a checkout for git sources). */
  root: string;
  repository: string | null;
  requestedRef: string | null;
  /** Resolved full commit id, when known. */
  revision: string | null;
}

export interface DesiredState {
  host: string;
  /** Repository-relative path of the host declaration, `hosts/<host>/host.yaml`. */
  hostFile: string;
  /** Selected services, in host.yaml order. */
  services: string[];
  /** Sorted by fileName. */
  units: DesiredUnit[];
  /** Sorted by relPath. */
  companions: DesiredCompanion[];
  /** Sorted by target. */
  configs: DesiredConfig[];
  source: DesiredSource;
}
