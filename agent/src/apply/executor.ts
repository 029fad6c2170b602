/**
 * The executor (ARCHITECTURE.md "Pipeline"): runs an ordered plan against a host through the
 * `Systemd` and `HostFs` ports and reports what actually executed.
 *
 *   1. (the mass-delete refusal is run-apply's, before anything is recorded: mass-delete.ts);
 *   2. removals, in plan order (the plan lists deletes dependents first): native units disabled, units stopped (dependents of a removed
 *      mount first; a mount still in mountinfo afterwards fails `busy mount removal: <path>`);
 *   3. writes, in plan order (mountpoints prepared first), only of files whose bytes, mode or owner differ;
 *      then the removed objects' files and stale files;
 *   4. `daemon-reload` when a unit-like file changed (unless --no-reload); every expected unit loaded
 *      (a Quadlet file that produced no unit is explained by the generator's dry-run);
 *   5. native units enabled from `[Install]`; new units started; changed units and the objects the plan
 *      restarts (`restart`: the consumers of a changed binding prerequisite, e.g. of a changed rendered
 *      file; `recover`) restarted — automount-backed mounts through their `.automount`, socket-activated
 *      services through their socket;
 *   6. verification with a bounded activation wait and restart-loop detection, retried up to the budget;
 *      identical signatures → repeated_failure, A/B/A → oscillation.
 * In offline-root mode steps 4–6 are file-level: enablement as symlinks, then every desired file is
 * re-read and compared (ARCHITECTURE.md "Offline root").
 */

import { sha256 } from "../digest.js";
import { CoreOpsError } from "../errors.js";
import { isChanging, writesFiles } from "../model/actions.js";
import type {
  ApplyEvent,
  Attempt,
  Convergence,
  ExecutionDurations,
  FailureReason,
  ObjectFailure,
  ObjectResult,
  StopTimeoutWarning,
} from "../model/execution.js";
import { isCheckOperation, type Operation } from "../model/operations.js";
import { isCoreOpsTempFile } from "../state/atomic-file.js";
import type { BackupEntry, BackupReason } from "../state/backups.js";
import { classifyAttempts, failureSignature } from "./convergence.js";
import type { ApplyObject, ApplyOptions, DesiredFile, ExecutionResult } from "./model.js";
import { fileDiffers, offlineFileFailures } from "./offline-check.js";
import {
  type BackupSink,
  type ContainerRuntime,
  type HostFs,
  type QuadletDryRun,
  type Systemd,
  SystemdOperationError,
  type UnitProperties,
} from "./ports.js";
import { STOP_TIMING_PROPERTIES, stopTimeoutWarning } from "./stop-timeout.js";
import { judgeUnit, mountedTargets, TRANSIENT } from "./verification.js";

const VERIFY_PROPERTIES = [
  "LoadState",
  "ActiveState",
  "SubState",
  "Result",
  "NRestarts",
  "Type",
  ...STOP_TIMING_PROPERTIES,
] as const;
/** The wait for activating units polls quickly first, then every POLL_MAX_MS. */
const POLL_FIRST_MS = 100;
const POLL_MAX_MS = 500;

/** CLOCK_MONOTONIC in milliseconds (libuv's hrtime is CLOCK_MONOTONIC on Linux, like systemd's timestamps). */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface ExecutorPorts {
  systemd: Systemd;
  fs: HostFs;
  dryRun: QuadletDryRun | null;
  /** The backup store; null only in unit tests of the executor's own logic. */
  backups?: BackupSink | null;
  /** Podman, to check that an active Quadlet container unit has a running container (null: offline). */
  containers?: ContainerRuntime | null;
}

const BACKUP_WHY: Record<BackupReason, string> = {
  taken_over: "taken over: not written by CoreOps",
  edited: "edited since CoreOps wrote it",
  unrecorded: "no last-applied record proves CoreOps wrote these bytes",
};

function errText(err: unknown): string {
  if (err instanceof SystemdOperationError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}

/**
 * What apply restarts: exactly what the plan decided — objects whose action is `restart` (a consumer of
 * a changed binding prerequisite: the planner's rule, plan/compute-plan.ts) or `recover` — and every
 * changed object that is not new (a new one is started). Apply never adds a consumer the plan did not show.
 */
export function restartSet(keeps: readonly ApplyObject[], changed: ReadonlySet<string>): Set<string> {
  return new Set(
    keeps
      .filter((o) =>
        changed.has(o.id) ? o.action !== "create" : o.action === "restart" || o.action === "recover",
      )
      .map((o) => o.id),
  );
}

export class Executor {
  private readonly events: ApplyEvent[] = [];
  private readonly executed = new Map<string, Operation[]>();
  private readonly failures = new Map<string, ObjectFailure>();
  private readonly blocked = new Set<string>();
  private attempt = 1;
  /** `UnitFileState` per unit from the loaded check (enable only what is not enabled yet). */
  private readonly unitFileState = new Map<string, string>();
  /** Units started or restarted in the current attempt (a unit is activated once per pass). */
  private activated = new Set<string>();
  private phase: ApplyEvent["phase"] = "execution";
  private mutated = false;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: () => number;
  private readonly byId: Map<string, ApplyObject>;
  private readonly saved: BackupEntry[] = [];
  private readonly durations: ExecutionDurations = {
    stops_ms: 0,
    writes_ms: 0,
    daemon_reload_ms: 0,
    load_check_ms: 0,
    enable_ms: 0,
    restarts_ms: 0,
    verification_ms: 0,
  };
  /** Units restarted in the current attempt → when the restart began (clock ms), for stop-timeout warnings. */
  private restartedAt = new Map<string, { object: string; beganMs: number }>();
  /** When the last start/restart of the current attempt returned (the settle wait counts from there). */
  private lastActivationMs: number | null = null;
  private readonly stopTimeouts: StopTimeoutWarning[] = [];
  /** The loaded check's sample (it reads the verification properties too): the first verification pass
   * uses it when nothing was started or restarted in between — a no-op run asks systemctl once. */
  private loadSample: Map<string, UnitProperties> | null = null;

  constructor(
    private readonly objects: readonly ApplyObject[],
    private readonly ports: ExecutorPorts,
    private readonly opts: ApplyOptions,
    private readonly sequenceStart = 0,
  ) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.clock = opts.clock ?? monotonicMs;
    this.byId = new Map(objects.map((o) => [o.id, o]));
  }

  /** Runs `fn` and adds its wall time to one of the executor's durations. */
  private async timed<T>(span: keyof ExecutionDurations, fn: () => Promise<T> | T): Promise<T> {
    const t0 = this.clock();
    try {
      return await fn();
    } finally {
      this.durations[span] += this.clock() - t0;
    }
  }

  private get offline(): boolean {
    return this.ports.systemd.mode === "offline_root";
  }

  private record(
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

  private fail(object: string, reason: FailureReason, detail: string): void {
    if (!this.failures.has(object)) this.failures.set(object, { object, reason, detail });
  }

  /** Objects that (transitively) need `id`. */
  private dependentsOf(ids: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const queue = [...ids];
    while (queue.length > 0) {
      const cur = queue.shift() as string;
      for (const o of this.objects) {
        if (o.prerequisites.includes(cur) && !out.has(o.id)) {
          out.add(o.id);
          queue.push(o.id);
        }
      }
    }
    return out;
  }

  async run(): Promise<ExecutionResult> {
    // A blocked object (missing prerequisite or mountpoint) is not converged: the apply says so and
    // last_applied does not advance; retrying cannot fix it (the input or the host must change).
    for (const o of this.objects)
      if (o.action === "blocked")
        this.fail(o.id, "blocked_prerequisite", o.blockedBy ?? "blocked by the plan");

    // The plan lists deletes in reverse topological order already (dependents before what they need).
    const deletes = this.objects.filter((o) => o.action === "delete");
    // Blocked objects (a missing prerequisite) and skipped ones are neither written nor activated.
    const keeps = this.objects.filter(
      (o) => o.action !== "delete" && o.action !== "blocked" && o.action !== "skipped",
    );

    // 2. Stop what leaves, dependents first (reverse order), before any file changes; and a unit whose
    // generated name changes stops under its old name.
    await this.timed("stops_ms", async () => {
      for (const o of deletes) await this.stopForRemoval(o);
      if (!this.offline) for (const o of keeps) if (o.previousUnit) await this.stopUnit(o.id, o.previousUnit);
    });

    // Debris of writes interrupted by a crash (temp files next to their targets) goes first; the lock
    // guarantees no other run is writing.
    const changedObjects = new Set<string>();
    let unitFilesChanged = false;
    await this.timed("writes_ms", () => {
      this.removeDebris();
      // 3. Writes in plan order, then removals.
      for (const o of keeps) {
        if (this.failures.has(o.id)) continue;
        const r = this.writeObject(o);
        if (r.changed) changedObjects.add(o.id);
        if (r.unitFilesChanged) unitFilesChanged = true;
      }
      for (const o of deletes) {
        if (this.failures.has(o.id)) continue;
        for (const path of o.removePaths) {
          if (this.removeFile(o, path)) unitFilesChanged = true;
        }
      }
    });

    if (this.offline) return this.finishOffline(keeps, deletes, changedObjects);

    // 4. Reload and confirm every expected unit is loaded.
    if (unitFilesChanged) {
      if (this.opts.noReload) this.record(null, "daemon_reload", "systemd", "skipped", "--no-reload");
      else await this.timed("daemon_reload_ms", () => this.daemonReload());
    }
    await this.timed("load_check_ms", () => this.checkLoaded(keeps));

    // 5. Enable, start, restart.
    await this.timed("enable_ms", async () => {
      for (const o of keeps) if (o.install && o.unit && !this.failures.has(o.id)) await this.enable(o);
    });
    const toRestart = restartSet(keeps, changedObjects);
    for (const o of keeps) {
      if (this.failures.has(o.id)) continue;
      const blockedBy = o.prerequisites.find((p) => this.failures.has(p) || this.blocked.has(p));
      if (blockedBy) {
        this.blocked.add(o.id);
        this.record(o.id, "start", o.unit ?? o.id, "skipped", `blocked: prerequisite ${blockedBy} failed`);
        continue;
      }
      if (o.action === "create") await this.activate(o, "start");
      else if (toRestart.has(o.id)) await this.activate(o, "restart");
    }
    if (this.activated.size > 0) this.loadSample = null;

    // 6. Verify, retry.
    return this.verifyLoop(keeps);
  }

  /** Debris: temp-file names in the directories apply writes to — never a path any object declares. */
  private removeDebris(): void {
    const dirs = new Set<string>();
    const declared = new Set<string>();
    for (const o of this.objects) {
      for (const f of o.files) {
        dirs.add(f.path.slice(0, f.path.lastIndexOf("/")) || "/");
        declared.add(f.path);
      }
      for (const p of o.removePaths) {
        dirs.add(p.slice(0, p.lastIndexOf("/")) || "/");
        declared.add(p);
      }
    }
    for (const dir of [...dirs].sort()) {
      for (const name of this.ports.fs.list(dir)) {
        if (!isCoreOpsTempFile(name)) continue;
        const path = `${dir === "/" ? "" : dir}/${name}`;
        if (declared.has(path)) continue;
        try {
          if (this.ports.fs.remove(path))
            this.record(null, "remove", path, "succeeded", "debris of an interrupted write");
        } catch (err) {
          this.record(null, "remove", path, "failed", errText(err));
        }
      }
    }
  }

  private async stopForRemoval(o: ApplyObject): Promise<void> {
    if (this.offline) {
      if (o.install && o.unit) await this.disable(o);
      return;
    }
    if (o.install && o.unit) await this.disable(o);
    if (o.kind === "mount" && o.mount) {
      // Dependent managed services stop first; never a forced unmount.
      for (const depId of this.dependentsOf([o.id])) {
        const dep = this.byId.get(depId);
        if (dep?.unit && dep.activation !== "none") await this.stopUnit(dep.id, dep.unit);
      }
      if (o.automountUnit) await this.stopUnit(o.id, o.automountUnit);
    }
    if (o.unit && o.activation !== "none") {
      await this.stopUnit(o.id, o.unit);
      // A unit that leaves is forgotten by systemd only when it is not failed (a container stopped by
      // SIGTERM often exits 143): without this it stays in `systemctl --failed` with no unit file.
      if (!this.failures.has(o.id)) await this.resetFailed(o.id, o.unit);
    }
    if (o.kind === "mount" && o.mount) {
      const mounted = mountedTargets(this.ports.fs.mountinfo()).has(o.mount.where);
      this.record(
        o.id,
        "check_mount",
        o.mount.where,
        mounted ? "failed" : "succeeded",
        mounted ? "still mounted" : null,
      );
      if (mounted) {
        // A busy mount usually also fails its stop job (umount: target is busy): the busy mount is the
        // cause the operator needs, the failed stop is its detail.
        const stop = this.failures.get(o.id);
        this.failures.set(o.id, {
          object: o.id,
          reason: "busy_mount",
          detail: `busy mount removal: ${o.mount.where}${stop ? ` (${stop.detail})` : ""}`,
        });
      }
    }
  }

  private async stopUnit(object: string, unit: string): Promise<void> {
    try {
      await this.ports.systemd.stop(unit);
      this.record(object, "stop", unit, "succeeded");
    } catch (err) {
      const text = errText(err);
      // Stopping something that is not loaded or not found is success (it is already gone).
      if (/not loaded|not found|does not exist/i.test(text))
        this.record(object, "stop", unit, "skipped", text);
      else {
        this.record(object, "stop", unit, "failed", text);
        this.fail(object, "activation_failed", `stop ${unit}: ${text}`);
      }
    }
  }

  private async resetFailed(object: string, unit: string): Promise<void> {
    try {
      await this.ports.systemd.resetFailed(unit);
      this.record(object, "reset_failed", unit, "succeeded");
    } catch (err) {
      // Not loaded (already gone) or not failed: nothing to forget.
      this.record(object, "reset_failed", unit, "skipped", errText(err));
    }
  }

  private fileDiffers(f: DesiredFile, uid: number, gid: number): boolean {
    return fileDiffers(this.ports.fs, f, uid, gid);
  }

  /**
   * Saves the bytes at `path` to the backup store unless CoreOps provably wrote them (their sha256 is
   * the last-applied one) or they equal `next`. Returns false when they could not be saved: the path is
   * then left alone (never destroy what someone else changed).
   */
  private preserve(o: ApplyObject, path: string, next: Buffer | null): boolean {
    const sink = this.ports.backups;
    if (!sink) return true;
    const facts = this.ports.fs.stat(path);
    if (facts?.kind !== "file" && facts?.kind !== "symlink") return true;
    const link = facts.kind === "symlink" ? this.ports.fs.readlink(path) : null;
    const bytes = facts.kind === "file" ? this.ports.fs.read(path) : link === null ? null : Buffer.from(link);
    if (bytes === null) return true;
    const known = o.hostFiles[path];
    if (facts.kind === "file") {
      if (next?.equals(bytes)) return true;
      if (known?.appliedDigest && sha256(bytes) === known.appliedDigest) return true;
    }
    const reason: BackupReason = !known?.owned ? "taken_over" : known.appliedDigest ? "edited" : "unrecorded";
    try {
      const entry = sink.save({
        path,
        reason,
        kind: facts.kind,
        bytes,
        mode: facts.mode,
        uid: facts.uid,
        gid: facts.gid,
      });
      this.saved.push(entry);
      this.record(
        o.id,
        "backup",
        path,
        "succeeded",
        `${BACKUP_WHY[reason]}; saved to ${sink.dir}/${entry.file}`,
      );
      return true;
    } catch (err) {
      this.record(o.id, "backup", path, "failed", errText(err));
      this.fail(
        o.id,
        "backup_failed",
        `${path}: could not save its bytes before changing it: ${errText(err)}`,
      );
      return false;
    }
  }

  private writeObject(o: ApplyObject): { changed: boolean; unitFilesChanged: boolean } {
    let changed = false;
    let unitFilesChanged = false;
    if (!writesFiles(o.action)) {
      for (const path of o.removePaths) {
        if (this.removeFile(o, path)) changed = unitFilesChanged = true;
      }
      return { changed, unitFilesChanged };
    }
    if (o.mount) {
      const facts = this.ports.fs.stat(o.mount.where);
      if (facts && facts.kind !== "directory") {
        this.record(o.id, "prepare_mountpoint", o.mount.where, "failed", "exists and is not a directory");
        this.fail(o.id, "mountpoint_invalid", `mountpoint ${o.mount.where} exists and is not a directory`);
        return { changed, unitFilesChanged };
      }
      if (!facts && !o.mount.createMountpoint) {
        this.record(
          o.id,
          "prepare_mountpoint",
          o.mount.where,
          "failed",
          "missing and CreateMountpoint=false",
        );
        this.fail(
          o.id,
          "mountpoint_invalid",
          `mountpoint ${o.mount.where} is missing and CreateMountpoint=false`,
        );
        return { changed, unitFilesChanged };
      }
      if (!facts) {
        this.ports.fs.mkdirp(o.mount.where, 0o755);
        this.record(o.id, "prepare_mountpoint", o.mount.where, "succeeded");
        changed = true;
      }
    }
    for (const f of o.files) {
      const uid = this.ports.fs.uid(f.owner);
      const gid = this.ports.fs.gid(f.group);
      if (uid === null || gid === null) {
        const which = uid === null ? `owner ${f.owner}` : `group ${f.group}`;
        this.record(o.id, "write", f.path, "failed", `unknown ${which}`);
        this.fail(o.id, "unknown_owner", `${f.path}: unknown ${which} on this host`);
        continue;
      }
      if (!this.fileDiffers(f, uid, gid)) continue;
      if (!this.preserve(o, f.path, f.content)) continue;
      try {
        this.ports.fs.writeAtomic(f.path, f.content, f.mode, uid, gid);
        this.record(o.id, "write", f.path, "succeeded");
        changed = true;
        if (f.unitFile) unitFilesChanged = true;
      } catch (err) {
        this.record(o.id, "write", f.path, "failed", errText(err));
        this.fail(o.id, "write_failed", `${f.path}: ${errText(err)}`);
      }
    }
    for (const path of o.removePaths) {
      if (this.removeFile(o, path)) {
        changed = true;
        unitFilesChanged = true;
      }
    }
    return { changed, unitFilesChanged };
  }

  private removeFile(o: ApplyObject, path: string): boolean {
    const object = o.id;
    if (!this.preserve(o, path, null)) return false;
    try {
      if (!this.ports.fs.remove(path)) return false;
      this.record(object, "remove", path, "succeeded");
      // A drop-in directory left empty goes too.
      const dir = path.slice(0, path.lastIndexOf("/"));
      if (dir.endsWith(".d")) this.ports.fs.removeEmptyDir(dir);
      return true;
    } catch (err) {
      this.record(object, "remove", path, "failed", errText(err));
      this.fail(object, "remove_failed", `${path}: ${errText(err)}`);
      return false;
    }
  }

  private async daemonReload(): Promise<void> {
    try {
      await this.ports.systemd.daemonReload();
      this.record(null, "daemon_reload", "systemd", "succeeded");
    } catch (err) {
      this.record(null, "daemon_reload", "systemd", "failed", errText(err));
      throw new CoreOpsError(`systemctl daemon-reload failed: ${errText(err)}`, {
        code: "daemon_reload_failed",
        hint: "files were written; fix the manager error and run apply again",
      });
    }
  }

  private async checkLoaded(keeps: readonly ApplyObject[]): Promise<void> {
    const units = keeps.filter((o) => o.unit && o.kind !== "rendered_artifact" && !this.failures.has(o.id));
    if (units.length === 0) return;
    const props = await this.ports.systemd.show(
      units.map((o) => o.unit as string),
      [...new Set(["LoadState", "FragmentPath", "LoadError", "UnitFileState", ...VERIFY_PROPERTIES])],
    );
    this.loadSample = new Map(units.map((o, i) => [o.unit as string, props[i] ?? {}]));
    for (const [i, o] of units.entries()) {
      const p = props[i] ?? {};
      const unit = o.unit as string;
      if (p.UnitFileState !== undefined) this.unitFileState.set(unit, p.UnitFileState);
      if (p.LoadState === "loaded") {
        this.record(o.id, "check_loaded", unit, "succeeded", p.FragmentPath || null);
        continue;
      }
      let detail = `${unit} is ${p.LoadState ?? "unknown"}${p.LoadError ? ` (${p.LoadError})` : ""}`;
      if (o.kind === "quadlet_resource" && this.ports.dryRun) {
        const fileName =
          o.files
            .find((f) => !f.path.includes(".d/"))
            ?.path.split("/")
            .pop() ?? unit;
        const why = await this.ports.dryRun.explain(fileName);
        detail = why
          ? `the Quadlet generator did not produce ${unit} from ${fileName}: ${why}`
          : `${detail}; the Quadlet generator reported nothing for ${fileName}`;
      }
      this.record(o.id, "check_loaded", unit, "failed", detail);
      this.fail(o.id, "not_loaded", detail);
    }
  }

  private async enable(o: ApplyObject): Promise<void> {
    // On a host, systemctl already knows: enabled (or static/generated/alias) units are left alone.
    const known = this.unitFileState.get(o.unit as string);
    if (!this.offline && known !== undefined && known !== "" && known !== "disabled") return;
    const unitPath =
      o.files.find((f) => f.path.endsWith(`/${o.unit}`))?.path ?? `${this.opts.systemdUnitDir}/${o.unit}`;
    try {
      const changed = await this.ports.systemd.enable(
        o.unit as string,
        unitPath,
        o.install as NonNullable<ApplyObject["install"]>,
      );
      if (changed) this.record(o.id, "enable", o.unit as string, "succeeded");
    } catch (err) {
      this.record(o.id, "enable", o.unit as string, "failed", errText(err));
      this.fail(o.id, "enable_failed", errText(err));
    }
  }

  private async disable(o: ApplyObject): Promise<void> {
    const unitPath =
      o.removePaths.find((p) => p.endsWith(`/${o.unit}`)) ?? `${this.opts.systemdUnitDir}/${o.unit}`;
    try {
      const changed = await this.ports.systemd.disable(
        o.unit as string,
        unitPath,
        o.install as NonNullable<ApplyObject["install"]>,
      );
      if (changed) this.record(o.id, "disable", o.unit as string, "succeeded");
    } catch (err) {
      this.record(o.id, "disable", o.unit as string, "skipped", errText(err));
    }
  }

  /** The unit an activation acts on, or null when the object is not activated directly. */
  private activationUnit(o: ApplyObject): string | null {
    if (o.activation === "via_automount") return o.automountUnit;
    if (o.activation === "start") return o.unit;
    return null; // via_socket: its socket object starts it; none: no unit
  }

  private async activate(o: ApplyObject, how: "start" | "restart"): Promise<void> {
    // A changed socket-activated service that is running now runs old code: restart it; an idle one is
    // left to its socket, which starts the new definition on the next connection.
    if (o.activation === "via_socket" && how === "restart" && o.unit && !this.activated.has(o.unit)) {
      const state = await this.ports.systemd.isActive(o.unit);
      if (state === "active" || state === "activating" || state === "reloading") {
        this.activated.add(o.unit);
        try {
          await this.ports.systemd.restart(o.unit);
          this.record(o.id, "restart", o.unit, "succeeded", "running socket-activated service");
        } catch (err) {
          this.record(o.id, "restart", o.unit, "failed", errText(err));
          this.fail(o.id, "activation_failed", `restart ${o.unit}: ${errText(err)}`);
        }
      }
      return;
    }
    const unit = this.activationUnit(o);
    if (!unit || this.activated.has(unit)) return;
    this.activated.add(unit);
    const began = this.clock();
    if (how === "restart") this.restartedAt.set(unit, { object: o.id, beganMs: began });
    try {
      if (how === "start") await this.ports.systemd.start(unit);
      else await this.ports.systemd.restart(unit);
      this.record(o.id, how, unit, "succeeded");
    } catch (err) {
      this.record(o.id, how, unit, "failed", errText(err));
      this.fail(o.id, "activation_failed", `${how} ${unit}: ${errText(err)}`);
    } finally {
      this.lastActivationMs = this.clock();
      this.durations.restarts_ms += this.lastActivationMs - began;
    }
  }

  private finishOffline(
    keeps: readonly ApplyObject[],
    deletes: readonly ApplyObject[],
    changedObjects: Set<string>,
  ): Promise<ExecutionResult> {
    return (async () => {
      for (const o of keeps) if (o.install && o.unit && !this.failures.has(o.id)) await this.enable(o);
      this.phase = "convergence_check";
      const failures: ObjectFailure[] = [
        ...this.failures.values(),
        ...offlineFileFailures(this.ports.fs, keeps, deletes, (id) => this.failures.has(id)),
      ];
      for (const f of failures) if (!this.failures.has(f.object)) this.failures.set(f.object, f);
      this.record(
        null,
        "verify",
        "files",
        failures.length === 0 ? "succeeded" : "failed",
        failures.length ? failureSignature(failures) : null,
      );
      const signature = failureSignature(failures);
      const attempts: Attempt[] = [{ attempt: 1, signature, failures }];
      const verdict = classifyAttempts([signature], failures, 1, changedObjects.size > 0);
      return this.result(attempts, verdict.status, "files");
    })();
  }

  private async verifyLoop(keeps: readonly ApplyObject[]): Promise<ExecutionResult> {
    const attempts: Attempt[] = [];
    const signatures: string[] = [];
    let anyApplied = this.mutated;
    for (;;) {
      this.phase = "convergence_check";
      const failures = await this.timed("verification_ms", () => this.verify(keeps));
      const signature = failureSignature(failures);
      attempts.push({ attempt: this.attempt, signature, failures });
      signatures.push(signature);
      anyApplied ||= this.mutated;
      const verdict = classifyAttempts(signatures, failures, this.opts.retryBudget, anyApplied);
      if (verdict.stop) return this.result(attempts, verdict.status, "runtime");
      // Retry: bring the failing objects up again (restart covers failed and inactive units).
      this.attempt += 1;
      this.phase = "execution";
      this.activated = new Set();
      this.restartedAt = new Map();
      this.lastActivationMs = null;
      const failing = new Set(failures.map((f) => f.object));
      for (const id of failing) this.failures.delete(id);
      for (const o of keeps) {
        if (!failing.has(o.id)) continue;
        const blockedBy = o.prerequisites.find((p) => this.failures.has(p) || this.blocked.has(p));
        if (blockedBy) {
          this.blocked.add(o.id);
          this.record(
            o.id,
            "restart",
            o.unit ?? o.id,
            "skipped",
            `blocked: prerequisite ${blockedBy} failed`,
          );
          continue;
        }
        this.blocked.delete(o.id);
        await this.activate(o, "restart");
      }
    }
  }

  /** One verification pass: waits (bounded) for activating units, then samples NRestarts twice. */
  private async verify(keeps: readonly ApplyObject[]): Promise<ObjectFailure[]> {
    const failures: ObjectFailure[] = [];
    for (const f of this.failures.values()) failures.push(f);
    const checked = keeps.filter(
      (o) => o.expectation !== "none" && o.unit && !this.failures.has(o.id) && !this.blocked.has(o.id),
    );
    for (const id of this.blocked)
      failures.push({ object: id, reason: "dependency_failed", detail: "a prerequisite failed" });
    if (checked.length === 0) {
      this.record(null, "verify", "units", failures.length ? "failed" : "succeeded");
      return failures;
    }
    const units = checked.map((o) => o.unit as string);
    // Sockets and automounts that make an inactive unit legitimate are read in the same `show` (one
    // systemctl round-trip per sample).
    const companions = [
      ...new Set(checked.flatMap((o) => [o.socketUnit, o.automountUnit]).filter((u) => u !== null)),
    ].filter((u) => !units.includes(u));
    const sample = async () => {
      const wanted = [...units, ...companions];
      const cached = this.loadSample;
      this.loadSample = null;
      const byUnit = new Map<string, UnitProperties>();
      if (cached && wanted.every((u) => cached.has(u))) {
        for (const u of wanted) byUnit.set(u, cached.get(u) ?? {});
      } else {
        const all = await this.ports.systemd.show(wanted, VERIFY_PROPERTIES);
        for (const [i, u] of wanted.entries()) byUnit.set(u, all[i] ?? {});
      }
      return { props: units.map((u) => byUnit.get(u) ?? {}), byUnit };
    };
    const deadline = this.clock() + this.opts.activationTimeoutMs;
    let first = await sample();
    let interval = POLL_FIRST_MS;
    while (
      first.props.some((p) => TRANSIENT.has(p.ActiveState ?? "") || p.SubState === "auto-restart") &&
      this.clock() < deadline
    ) {
      await this.sleep(Math.min(interval, Math.max(0, deadline - this.clock())));
      interval = Math.min(POLL_MAX_MS, interval * 2);
      first = await sample();
    }
    const props = first.props;
    this.noteStopTimeouts(checked, props);
    // Restart-loop detection samples NRestarts again once settleMs have passed since the last activation
    // of this attempt; a pass that activated nothing has nothing to settle (a unit already looping shows
    // as activating/auto-restart/failed in the first sample).
    let later = first;
    if (this.lastActivationMs !== null) {
      const settle = this.lastActivationMs + this.opts.settleMs - this.clock();
      if (settle > 0) await this.sleep(settle);
      later = await sample();
    }
    const stateOf = (u: string) => later.byUnit.get(u)?.ActiveState;
    const socketActive = new Map(
      checked
        .filter((o) => o.socketUnit)
        .map((o) => [o.socketUnit, stateOf(o.socketUnit as string) === "active"]),
    );
    const automountActive = new Map(
      checked
        .filter((o) => o.automountUnit)
        .map((o) => [o.automountUnit, stateOf(o.automountUnit as string) === "active"]),
    );
    const mounted = mountedTargets(this.ports.fs.mountinfo());

    for (const [i, o] of checked.entries()) {
      const now = later.props[i] ?? {};
      const before = props[i] ?? {};
      const unit = o.unit as string;
      const state = now.ActiveState ?? "unknown";
      let failure = judgeUnit(o, before, now, {
        socketActive,
        automountActive,
        mounted,
        activationTimeoutMs: this.opts.activationTimeoutMs,
      });
      if (!failure && state === "active" && o.containerName && o.expectation === "active")
        failure = await this.containerFailure(o, unit, o.containerName);
      this.record(
        o.id,
        "verify",
        unit,
        failure ? "failed" : "succeeded",
        failure?.detail ?? `${state}/${now.SubState ?? "?"}`,
      );
      if (failure) failures.push(failure);
    }
    return failures;
  }

  /** Stop-timeout warnings for the units restarted in this attempt (once per unit and run). */
  private noteStopTimeouts(checked: readonly ApplyObject[], props: readonly UnitProperties[]): void {
    for (const [i, o] of checked.entries()) {
      const restarted = this.restartedAt.get(o.unit as string);
      if (!restarted || this.stopTimeouts.some((w) => w.unit === o.unit)) continue;
      const warning = stopTimeoutWarning({
        object: o.id,
        unit: o.unit as string,
        props: props[i] ?? {},
        restartBeganMs: restarted.beganMs,
        containerStopTimeoutMs: o.containerStopTimeoutMs ?? null,
      });
      if (warning) this.stopTimeouts.push(warning);
    }
  }

  /** An active container unit whose container is not running (it exited; conmon is still cleaning up). */
  private async containerFailure(o: ApplyObject, unit: string, name: string): Promise<ObjectFailure | null> {
    const podman = this.ports.containers;
    if (!podman) return null;
    const s = await podman.state(name);
    if (s?.status === "running") return null;
    return {
      object: o.id,
      reason: "container_not_running",
      detail: s
        ? `${unit} is active but its container ${name} is ${s.status} (exit code ${s.exitCode})`
        : `${unit} is active but its container ${name} does not exist`,
    };
  }

  private result(
    attempts: Attempt[],
    status: Convergence["status"],
    basis: Convergence["basis"],
  ): ExecutionResult {
    const lastFailures = attempts[attempts.length - 1]?.failures ?? [];
    const failedIds = new Map(lastFailures.map((f) => [f.object, f]));
    const objects: ObjectResult[] = this.objects.map((o) => {
      const executed = this.executed.get(o.id) ?? [];
      const failure = failedIds.get(o.id) ?? null;
      let final: ObjectResult["final_state"];
      if (failure)
        final =
          failure.reason === "dependency_failed" || failure.reason === "blocked_prerequisite"
            ? "blocked"
            : "failed";
      else if (this.blocked.has(o.id)) final = "blocked";
      else if (o.action === "blocked") final = "blocked";
      else if (o.action === "skipped") final = "skipped";
      else if (executed.some((op) => !isCheckOperation(op))) final = "succeeded";
      else final = isChanging(o.action) ? "succeeded" : "no_op";
      return { object: o.id, action: o.action, final_state: final, executed, failure };
    });
    const affected = [...new Set(attempts.flatMap((a) => a.failures.map((f) => f.object)))].sort();
    const convergence: Convergence = {
      status,
      basis,
      attempt_count: attempts.length,
      retry_budget: this.opts.retryBudget,
      attempts,
      affected_objects: affected,
      can_continue: status === "success",
    };
    const durations = Object.fromEntries(
      Object.entries(this.durations).map(([k, v]) => [k, Math.round(v)]),
    ) as ExecutionDurations;
    return {
      events: this.events,
      objects,
      convergence,
      changed: this.mutated,
      durations,
      stopTimeouts: this.stopTimeouts,
      backups: this.saved,
    };
  }
}

export async function executePlan(
  objects: readonly ApplyObject[],
  ports: ExecutorPorts,
  opts: ApplyOptions,
  sequenceStart = 0,
): Promise<ExecutionResult> {
  return new Executor(objects, ports, opts, sequenceStart).run();
}
