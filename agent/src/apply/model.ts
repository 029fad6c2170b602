/**
 * What the executor consumes and produces. The input is the planner's ordered entries joined with the
 * desired file bytes (built by apply/from-plan.ts); the output is the list of operations that actually ran
 * (events) and the per-object outcome — reports are built from these, never from the plan (a report
 * built from the plan would claim restarts that never ran).
 */

import type { Action } from "../model/actions.js";
import type {
  ApplyEvent,
  Convergence,
  ExecutionDurations,
  ObjectResult,
  StopTimeoutWarning,
} from "../model/execution.js";
import type { ManagedKind } from "../model/kinds.js";
import type { Activation, Expectation } from "../resources/activation.js";
import type { BackupEntry } from "../state/backups.js";
import type { InstallInfo } from "./ports.js";

export interface DesiredFile {
  /** Logical host path (not prefixed by --root). */
  path: string;
  content: Buffer;
  mode: number;
  owner: string;
  group: string;
  /** A unit, Quadlet, drop-in or companion file: changing it needs `daemon-reload`. */
  unitFile: boolean;
}

export type { Activation, Expectation } from "../resources/activation.js";

export interface ApplyObject {
  /** Display id, e.g. `container/web.container`, `config/etc/web/app.conf`. */
  id: string;
  kind: ManagedKind;
  /** Runtime systemd unit, null for rendered artifacts. */
  unit: string | null;
  /** The unit the host runs today when it differs (a Quadlet `ServiceName=` change): stopped first. */
  previousUnit: string | null;
  action: Action;
  /** Every desired file of the object (none for `delete`). */
  files: DesiredFile[];
  /** Owned files to remove (stale drop-ins, or every file of a deleted object). */
  removePaths: string[];
  /** Ids of objects this one needs (plan dependencies with relation `prerequisite`). */
  prerequisites: string[];
  /** Native units with an `[Install]` section are enabled; Quadlet units never are. */
  install: InstallInfo | null;
  activation: Activation;
  expectation: Expectation;
  /** For `via_socket`: the socket unit whose activity makes an inactive service legitimate. */
  socketUnit: string | null;
  /** For `via_automount`: the automount unit. */
  automountUnit: string | null;
  /** For a Quadlet `.container`: the Podman container its unit runs (`ContainerName=`, else `systemd-%N`). */
  containerName: string | null;
  mount: { where: string; createMountpoint: boolean } | null;
  /** True when the plan tolerated a runtime variance for this object. */
  toleratedVariance: boolean;
  /** A Quadlet `.container`: its effective StopTimeout= (Podman's default when unset), for stop-timeout warnings. */
  containerStopTimeoutMs?: number | null;
  /**
   * What planning knew about the host file at each path the object writes or removes: whether CoreOps
   * owns it (marker or inventory) and the sha256 it last wrote there. Bytes that are not provably
   * CoreOps's are saved to the backup store before they are overwritten or removed.
   */
  hostFiles: Record<string, HostFileKnowledge>;
  /** For a `blocked` object: the plan's reason (a missing prerequisite or mountpoint). */
  blockedBy: string | null;
}

export interface HostFileKnowledge {
  owned: boolean;
  /** `sha256:<hex>` of the bytes CoreOps last wrote at this path (last-applied inventory), else null. */
  appliedDigest: string | null;
}

export interface ApplyOptions {
  noReload: boolean;
  /** Retry budget: attempts of activation + verification (DEFAULT_RETRY_BUDGET in run-apply.ts). */
  retryBudget: number;
  /** Upper bound of the wait for units that are still activating, per attempt. */
  activationTimeoutMs: number;
  /** Interval between two `NRestarts` samples when looking for a restart loop. */
  settleMs: number;
  /** The unit dir, where native units live (for enablement). */
  systemdUnitDir: string;
  sleep?: (ms: number) => Promise<void>;
  /** CLOCK_MONOTONIC milliseconds (the clock of systemd's `*TimestampMonotonic`); tests script it. */
  clock?: () => number;
  /** Progress callback (the CLI renders `-v` phase progression and live progress from it). */
  onEvent?: (event: ApplyEvent) => void;
}

export interface ExecutionResult {
  events: ApplyEvent[];
  objects: ObjectResult[];
  convergence: Convergence;
  durations: ExecutionDurations;
  /** Units whose stop (during a restart) took their whole stop timeout. */
  stopTimeouts: StopTimeoutWarning[];
  /** Host mutations performed (file writes/removals/symlinks) and systemctl calls made. */
  changed: boolean;
  /** Bytes saved to the backup store before they were overwritten or removed, in order. */
  backups: BackupEntry[];
}
