/**
 * The state one execution of a plan shares across its phases (executor.ts sequences them): the events
 * recorded so far, the operations each object executed, its failures, the current attempt and phase,
 * and what the activation and verification steps hand each other. Every phase records through here, so
 * event sequence numbers and per-object `executed` lists stay one ordered account.
 */

import type {
  ApplyEvent,
  ExecutionDurations,
  FailureReason,
  ObjectFailure,
  StopTimeoutWarning,
} from "../model/execution.js";
import { isCheckOperation, type Operation } from "../model/operations.js";
import type { BackupEntry } from "../state/backups.js";
import type { ApplyObject, ApplyOptions } from "./model.js";
import {
  type BackupSink,
  type ContainerRuntime,
  type HostFs,
  type QuadletDryRun,
  type Systemd,
  SystemdOperationError,
  type UnitProperties,
} from "./ports.js";

export interface ExecutorPorts {
  systemd: Systemd;
  fs: HostFs;
  dryRun: QuadletDryRun | null;
  /** The backup store; null only in unit tests of the executor's own logic. */
  backups?: BackupSink | null;
  /** Podman, to check that an active Quadlet container unit has a running container (null: offline). */
  containers?: ContainerRuntime | null;
}

/** CLOCK_MONOTONIC in milliseconds (libuv's hrtime is CLOCK_MONOTONIC on Linux, like systemd's timestamps). */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The text of a port error (a systemctl failure's own detail). */
export function errText(err: unknown): string {
  if (err instanceof SystemdOperationError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}

export class ExecutionContext {
  readonly events: ApplyEvent[] = [];
  readonly executed = new Map<string, Operation[]>();
  readonly failures = new Map<string, ObjectFailure>();
  readonly blocked = new Set<string>();
  attempt = 1;
  /** `UnitFileState` per unit from the loaded check (enable only what is not enabled yet). */
  readonly unitFileState = new Map<string, string>();
  /** Units started or restarted in the current attempt (a unit is activated once per pass). */
  activated = new Set<string>();
  phase: ApplyEvent["phase"] = "execution";
  mutated = false;
  readonly sleep: (ms: number) => Promise<void>;
  readonly clock: () => number;
  readonly byId: Map<string, ApplyObject>;
  readonly saved: BackupEntry[] = [];
  readonly durations: ExecutionDurations = {
    stops_ms: 0,
    writes_ms: 0,
    daemon_reload_ms: 0,
    load_check_ms: 0,
    enable_ms: 0,
    restarts_ms: 0,
    verification_ms: 0,
  };
  /** Units restarted in the current attempt → when the restart began (clock ms), for stop-timeout warnings. */
  restartedAt = new Map<string, { object: string; beganMs: number }>();
  /** When the last start/restart of the current attempt returned (the settle wait counts from there). */
  lastActivationMs: number | null = null;
  readonly stopTimeouts: StopTimeoutWarning[] = [];
  /** The loaded check's sample (it reads the verification properties too): the first verification pass
   * uses it when nothing was started or restarted in between — a no-op run asks systemctl once. */
  loadSample: Map<string, UnitProperties> | null = null;

  constructor(
    readonly objects: readonly ApplyObject[],
    readonly ports: ExecutorPorts,
    readonly opts: ApplyOptions,
    private readonly sequenceStart = 0,
  ) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.clock = opts.clock ?? monotonicMs;
    this.byId = new Map(objects.map((o) => [o.id, o]));
  }

  /** Runs `fn` and adds its wall time to one of the executor's durations. */
  async timed<T>(span: keyof ExecutionDurations, fn: () => Promise<T> | T): Promise<T> {
    const t0 = this.clock();
    try {
      return await fn();
    } finally {
      this.durations[span] += this.clock() - t0;
    }
  }

  get offline(): boolean {
    return this.ports.systemd.mode === "offline_root";
  }

  record(
    object: string | null,
    operation: Operation,
    target: string,
    state: ApplyEvent["state"],
    detail: string | null = null,
  ): void {
    const event: ApplyEvent = {
      sequence: this.sequenceStart + this.events.length,
      phase: this.phase,
      object,
      operation,
      target,
      state,
      attempt: this.attempt,
      detail,
    };
    this.events.push(event);
    if (object && state === "succeeded") {
      const list = this.executed.get(object) ?? [];
      list.push(operation);
      this.executed.set(object, list);
    }
    if (state === "succeeded" && !isCheckOperation(operation)) this.mutated = true;
    this.opts.onEvent?.(event);
  }

  /** Records the first failure of `object` (a later one does not replace it). */
  fail(object: string, reason: FailureReason, detail: string): void {
    if (!this.failures.has(object)) this.failures.set(object, { object, reason, detail });
  }

  /** The first prerequisite of `o` that failed or is blocked, if any (then `o` is not activated). */
  failedPrerequisite(o: ApplyObject): string | undefined {
    return o.prerequisites.find((p) => this.failures.has(p) || this.blocked.has(p));
  }
}
