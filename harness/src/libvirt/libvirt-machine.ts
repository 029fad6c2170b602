/**
 * `Machine` on libvirt (README.md "Disposable guests (the machine layer)"): a qcow2 overlay on the base
 * image, a domain built from the image descriptor, Ignition through fw_cfg, readiness from the serial
 * console, SSH with the pinned per-run host key. `destroy()` never throws. Lifecycle: `create` (overlay + defined domain) → `start` → `waitReady` →
 * `exec`/`upload`/`fetch`/`reboot`/`journal` → `destroy`. `consolePath()` stays valid after `destroy`
 * (the console log is copied into the caller's run directory first).
 *
 * Teardown is one operation however many callers ask for it (the scenario executor, a test fixture, the
 * SIGINT/SIGTERM handler): every `destroy()` returns the same promise, it first waits for a define or start
 * still talking to libvirt, no new one begins, and the machine stays registered with the signal handler until
 * the domain is really gone — so a signal during any teardown waits for it before the process ends.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GuestSession } from "../guest/ssh-session.js";
import { GUEST_DELIVERY_DIR } from "../guest-delivery-dir.js";
import type { ImageDescriptor } from "../guest-image/descriptor.js";
import { buildIgnitionConfig, renderIgnitionConfig } from "../ignition/config.js";
import { RUN_ID_PATTERN } from "../ignition/readiness-unit.js";
import { publicValues, type RunSecrets, secretValues } from "../ignition/run-secrets.js";
import {
  type AccessInfo,
  type DestroyReport,
  destroyCommand,
  type ExecOptions,
  type ExecResult,
  type Machine,
  type MachineSpec,
  type ReadinessEvidence,
  type ReadinessRecord,
} from "../machine.js";
import { ConsoleFollower } from "../readiness/console-follower.js";
import { GuestPanicError, IgnitionFailedError } from "../readiness/errors.js";
import { buildEvidence, writeEvidence } from "../readiness/evidence.js";
import { ReadinessTracker } from "../readiness/tracker.js";
import { waitForReadiness } from "../readiness/wait.js";
import { redactIgnitionText } from "../secrets/ignition.js";
import { Redactor } from "../secrets/redactor.js";
import { arpReadinessRecord } from "./arp-fallback.js";
import { ensureDeliveryDisk } from "./delivery-disk.js";
import { createOverlayVolume, volumeCapacityBytes } from "./domain-ops.js";
import { buildDomainXml, type DomainType } from "./domain-xml.js";
import { freeLoopbackPort } from "./free-port.js";
import { domainName, overlayVolumeName } from "./naming.js";
import { currentOwner } from "./owner.js";
import { keepForDebugging } from "./retained.js";
import { createRunDir, type RunFiles, runFiles, writeQemuReadable } from "./run-files.js";
import { removeRunResources } from "./run-teardown.js";
import { sshTarget } from "./ssh-target.js";
import { trackForTeardown, untrackForTeardown } from "./teardown-on-signal.js";
import type { Virsh } from "./virsh.js";

export interface MachineContext {
  virsh: Virsh;
  pool: string;
  stateDir: string;
  descriptor: ImageDescriptor;
  domainType: DomainType;
  allowArpFallback: boolean;
  log: (line: string) => void;
  /** Appended to the descriptor's kernel command line (direct-kernel images). */
  extraCmdline?: string;
  /** CPU model under TCG (default qemu64). */
  tcgCpuModel?: string;
  /** Static 10.0.2.15/24 instead of DHCP on the user-restricted network (see `staticUserAddress`). */
  staticUserAddress?: boolean;
}

/** When things happened, in ms since `start()` was called (for the boot figures). */
export interface MachineTimings {
  startMs?: number;
  readyMs?: number;
  sshMs?: number;
}

export const DEFAULT_READY_TIMEOUT_MS = 180_000;

export class LibvirtMachine implements Machine {
  readonly name: string;
  readonly timings: MachineTimings = {};
  private readonly files: RunFiles;
  private readonly volume: string;
  private readonly tracker: ReadinessTracker;
  private readonly follower: ConsoleFollower;
  private sshPort: number | undefined;
  private session: GuestSession | undefined;
  private lastRecord: ReadinessRecord | undefined;
  private evidence: ReadinessEvidence;
  private startedAt = 0;
  private teardown: Promise<DestroyReport> | undefined;
  /** libvirt calls that create or start something, still running: teardown waits for them first. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private consoleCopy: string | undefined;
  private defined = false;
  private volumeCreated = false;
  private deliveryDisk: string | undefined;
  private readonly secrets: RunSecrets;
  readonly redactor: Redactor;

  private constructor(
    private readonly ctx: MachineContext,
    private readonly spec: MachineSpec,
  ) {
    this.secrets = spec.secrets;
    this.redactor = new Redactor(secretValues(spec.secrets), publicValues(spec.secrets));
    this.name = domainName(spec.runId);
    this.volume = overlayVolumeName(spec.runId);
    this.files = runFiles(join(ctx.stateDir, "runs"), spec.runId);
    this.tracker = new ReadinessTracker(spec.runId, spec.secrets.token);
    this.follower = new ConsoleFollower(this.files.console);
    this.evidence = buildEvidence(this.tracker, "pending", 0, this.files.console);
  }

  get runId(): string {
    return this.spec.runId;
  }

  /** Prepares everything up to a defined (not started) domain; on failure removes what it made. */
  static async create(ctx: MachineContext, spec: MachineSpec): Promise<LibvirtMachine> {
    if (!RUN_ID_PATTERN.test(spec.runId)) {
      throw new Error(
        `run id ${JSON.stringify(spec.runId)} must match ${RUN_ID_PATTERN} (it names the domain)`,
      );
    }
    if (!(spec.vcpus >= 1) || !(spec.memoryMiB >= 256)) {
      throw new Error(
        `machine ${spec.runId}: vcpus must be ≥ 1 and memoryMiB ≥ 256 (got ${spec.vcpus}, ${spec.memoryMiB})`,
      );
    }
    const machine = new LibvirtMachine(ctx, spec);
    createRunDir(machine.files, currentOwner(spec.runId));
    trackForTeardown(machine);
    try {
      await machine.lifecycle("prepared", () => machine.prepare());
    } catch (error) {
      await machine.destroy();
      throw error;
    }
    return machine;
  }

  private async prepare(): Promise<void> {
    const { ctx, spec, secrets } = this;
    mkdirSync(spec.runDir, { recursive: true });
    writeFileSync(this.files.clientKey, secrets.clientKey.privateKey, { mode: 0o600 });
    if (spec.deliveries.length > 0) {
      const disk = await ensureDeliveryDisk(spec.deliveries, join(ctx.stateDir, "delivery"), ctx.log);
      this.deliveryDisk = disk.path;
    }
    const config = renderIgnitionConfig(
      buildIgnitionConfig({
        runId: spec.runId,
        token: secrets.token,
        sshUser: ctx.descriptor.ssh_user,
        adminGroup: ctx.descriptor.admin_group,
        authorizedKey: secrets.clientKey.publicKey,
        hostKey: secrets.hostKey,
        deliveryMount: this.deliveryDisk !== undefined,
        extras: spec.ignitionExtras,
        staticUserAddress:
          ctx.staticUserAddress === true && ctx.descriptor.network.mode === "user-restricted",
      }),
    );
    writeQemuReadable(this.files.ignition, config);
    writeFileSync(join(spec.runDir, "rendered-ignition.ign"), redactIgnitionText(config, this.redactor));
    const capacity = await volumeCapacityBytes(ctx.virsh, ctx.pool, ctx.descriptor.volume);
    // Marked before the call: a virsh that times out may still have created it in libvirtd.
    this.volumeCreated = true;
    await createOverlayVolume(ctx.virsh, ctx.pool, this.volume, ctx.descriptor, capacity);
    await this.define();
  }

  private async define(): Promise<void> {
    const { ctx, spec } = this;
    if (ctx.descriptor.network.mode === "user-restricted") {
      this.sshPort = await freeLoopbackPort();
      writeFileSync(this.files.knownHosts, `[127.0.0.1]:${this.sshPort} ${this.secrets.hostKey.publicKey}\n`);
    }
    const xml = buildDomainXml({
      name: this.name,
      domainType: ctx.domainType,
      vcpus: spec.vcpus,
      memoryMiB: spec.memoryMiB,
      descriptor: ctx.descriptor,
      pool: ctx.pool,
      volume: this.volume,
      consolePath: this.files.console,
      ignitionPath: this.files.ignition,
      sshPort: this.sshPort,
      deliveryDiskPath: this.deliveryDisk,
      owner: currentOwner(spec.runId),
      extraCmdline: ctx.extraCmdline,
      tcgCpuModel: ctx.tcgCpuModel,
    });
    writeFileSync(this.files.domainXml, xml);
    // Marked before the call: a virsh that times out may still have defined it in libvirtd.
    this.defined = true;
    await ctx.virsh.run(["define", this.files.domainXml], { timeoutMs: 300_000 });
  }

  /** Runs a libvirt step that creates or starts something, unless teardown has begun; teardown awaits it. */
  private lifecycle<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.teardown !== undefined) {
      return Promise.reject(new Error(`${this.name} is being torn down; it cannot be ${what}`));
    }
    const running = work();
    this.inFlight.add(running);
    const done = () => this.inFlight.delete(running);
    running.then(done, done);
    return running;
  }

  start(): Promise<void> {
    return this.lifecycle("started", () => this.startDomain());
  }

  private async startDomain(): Promise<void> {
    this.startedAt = performance.now();
    const first = await this.ctx.virsh.run(["start", this.name], { allowFailure: true });
    if (first.exitCode !== 0) {
      if (!/hostfwd|host forwarding|Address already in use/i.test(first.stderr)) {
        throw new Error(`virsh start ${this.name} failed: ${first.stderr.trim()}`);
      }
      // Lost the race for the forwarded port: pick another and define again.
      this.ctx.log(`${this.name}: SSH port ${this.sshPort} was taken; retrying with another`);
      await this.define();
      this.startedAt = performance.now();
      await this.ctx.virsh.run(["start", this.name]);
    }
    this.timings.startMs = Math.round(performance.now() - this.startedAt);
  }

  async waitReady(options: { timeoutMs?: number } = {}): Promise<ReadinessRecord> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const began = performance.now();
    let outcome: Awaited<ReturnType<typeof waitForReadiness>>;
    try {
      outcome = await waitForReadiness(this.follower, this.tracker, {
        timeoutMs,
        fallback: this.ctx.allowArpFallback
          ? () => arpReadinessRecord(this.ctx.virsh, this.name, this.spec.runId)
          : undefined,
      });
    } catch (error) {
      const status =
        error instanceof IgnitionFailedError
          ? "ignition_failed"
          : error instanceof GuestPanicError
            ? "kernel_panic"
            : "timed_out";
      this.recordEvidence(status, performance.now() - began);
      throw error;
    }
    this.recordEvidence(outcome.viaFallback ? "fallback_used" : "accepted", outcome.waitedMs);
    this.lastRecord = outcome.record;
    this.timings.readyMs ??= Math.round(performance.now() - this.startedAt);
    this.session?.close();
    this.session = await this.connect(outcome.record);
    this.timings.sshMs ??= Math.round(performance.now() - this.startedAt);
    return outcome.record;
  }

  private recordEvidence(status: ReadinessEvidence["final_status"], waitedMs: number): void {
    this.evidence = buildEvidence(this.tracker, status, waitedMs, this.files.console);
    try {
      writeEvidence(join(this.spec.runDir, "readiness-evidence.json"), this.evidence, (text) =>
        this.redactor.text(text),
      );
    } catch (error) {
      this.ctx.log(`${this.name}: cannot write readiness-evidence.json: ${(error as Error).message}`);
    }
  }

  private async guest(): Promise<GuestSession> {
    if (this.teardown !== undefined) throw new Error(`${this.name} has been torn down`);
    if (this.session?.alive === true) return this.session;
    if (this.lastRecord === undefined)
      throw new Error(`${this.name}: call waitReady() before talking to the guest`);
    this.session = await this.connect(this.lastRecord);
    return this.session;
  }

  /** An SSH session to the guest; one that comes up after teardown began is closed, not kept. */
  private async connect(record: ReadinessRecord): Promise<GuestSession> {
    const target = sshTarget(this.ctx.descriptor, this.sshPort, record, this.secrets);
    const session = await GuestSession.connectWithRetry(target, 20_000);
    if (this.teardown !== undefined) {
      session.close();
      throw new Error(`${this.name} has been torn down`);
    }
    return session;
  }

  async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    return (await this.guest()).exec(command, options);
  }

  async upload(localPath: string, guestPath: string, mode?: number): Promise<void> {
    await (await this.guest()).upload(localPath, guestPath, mode);
  }

  async fetch(guestPath: string, localPath: string): Promise<void> {
    await (await this.guest()).fetch(guestPath, localPath);
  }

  async reboot(options: { timeoutMs?: number } = {}): Promise<ReadinessRecord> {
    const previous = this.lastRecord?.boot_id;
    const session = await this.guest();
    const result = await session.exec("systemd-run --no-block --on-active=1 /usr/bin/systemctl reboot", {
      timeoutMs: 30_000,
    });
    if (result.exitCode !== 0) throw new Error(`reboot of ${this.name} failed: ${result.stderr.trim()}`);
    session.close();
    this.session = undefined;
    const record = await this.waitReady(options);
    if (record.boot_id === previous)
      throw new Error(`${this.name}: readiness after reboot has the old boot id`);
    return record;
  }

  consolePath(): string {
    return this.consoleCopy ?? this.files.console;
  }

  async journal(options: { unit?: string; lines?: number } = {}): Promise<string> {
    const unit = options.unit !== undefined ? ` -u '${options.unit.replace(/'/g, "")}'` : "";
    const lines = options.lines !== undefined ? ` -n ${Math.max(1, Math.floor(options.lines))}` : "";
    const result = await this.exec(`journalctl -b --no-pager -o short-iso${unit}${lines}`, {
      timeoutMs: 60_000,
    });
    return result.stdout;
  }

  deliveredPath(name: string): string {
    return `${GUEST_DELIVERY_DIR}/${name}`;
  }

  readinessEvidence(): ReadinessEvidence {
    return this.evidence;
  }

  accessInfo(): AccessInfo {
    const user = this.ctx.descriptor.ssh_user;
    const host =
      this.ctx.descriptor.network.mode === "user-restricted"
        ? "127.0.0.1"
        : (this.lastRecord?.ip ?? "<guest ip>");
    const port = this.sshPort ?? 22;
    return {
      ssh: `ssh -i ${this.files.clientKey} -p ${port} -o UserKnownHostsFile=${this.files.knownHosts} -o StrictHostKeyChecking=yes ${user}@${host}`,
      consolePath: this.consolePath(),
      virshConsole: `virsh -c ${this.ctx.virsh.uri} console ${this.name}`,
      destroy: destroyCommand(this.runId),
    };
  }

  destroy(options: { retain?: boolean } = {}): Promise<DestroyReport> {
    this.teardown ??= this.tearDown(options).finally(() => untrackForTeardown(this));
    return this.teardown;
  }

  private async tearDown(options: { retain?: boolean }): Promise<DestroyReport> {
    const began = performance.now();
    const report: DestroyReport = {
      domainRemoved: false,
      volumesRemoved: [],
      filesRemoved: false,
      retained: options.retain === true,
      errors: [],
      durationMs: 0,
    };
    try {
      this.session?.close();
    } catch {
      // already closed
    }
    this.session = undefined;
    // A define or start still talking to libvirt would otherwise recreate what is removed below.
    await Promise.allSettled([...this.inFlight]);
    if (options.retain === true) {
      const { runDir, runId } = this.spec;
      const kept = { runDir, runId, filesDir: this.files.dir, domain: this.name, log: this.ctx.log };
      report.errors.push(...keepForDebugging(() => this.accessInfo(), kept));
      report.durationMs = Math.round(performance.now() - began);
      return report;
    }
    this.consoleCopy = await removeRunResources(report, {
      virsh: this.ctx.virsh,
      pool: this.ctx.pool,
      domain: this.defined || this.startedAt > 0 ? this.name : undefined,
      volume: this.volumeCreated ? this.volume : undefined,
      console: this.files.console,
      runDir: this.spec.runDir,
      filesDir: this.files.dir,
    });
    report.durationMs = Math.round(performance.now() - began);
    for (const error of report.errors) this.ctx.log(`${this.name}: teardown: ${error}`);
    return report;
  }
}
