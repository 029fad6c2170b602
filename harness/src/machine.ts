/**
 * The seam between the machine layer (where a guest comes from: libvirt, the guest image, Ignition,
 * the serial console, SSH) and the scenario layer (what a test does). The scenario layer uses only
 * these interfaces; it never calls virsh or ssh2 itself (ARCHITECTURE.md "Two layers and their seam"; kola's platform/machine split).
 */

import { z } from "zod";
import type { ImageIdentity } from "./guest-image/identity.js";
import type { IgnitionExtras } from "./ignition/config.js";
import type { RunSecrets } from "./ignition/run-secrets.js";

/** What a readiness record on the serial console says (ARCHITECTURE.md "The guest contract"). */
export const ReadinessRecordSchema = z.object({
  run_id: z.string(),
  token: z.string(),
  ip: z.string(),
  boot_id: z.string().min(1),
  hostname: z.string(),
  ts: z.string(),
});
export type ReadinessRecord = z.infer<typeof ReadinessRecordSchema>;

/** How a readiness wait ended; written as readiness-evidence.json and in `verification_run`. */
export const ReadinessEvidenceSchema = z.strictObject({
  final_status: z.enum([
    "accepted",
    "fallback_used",
    "timed_out",
    "ignition_failed",
    "kernel_panic",
    "pending",
  ]),
  accepted: z.array(ReadinessRecordSchema),
  rejected: z.array(
    z.strictObject({
      line: z.string(),
      reason: z.enum(["stale", "malformed", "duplicate_current_run"]),
      at: z.string(),
    }),
  ),
  waited_ms: z.number(),
  console_path: z.string(),
});
export type ReadinessEvidence = z.infer<typeof ReadinessEvidenceSchema>;

export interface ExecOptions {
  /** Kill the remote command after this long; the result then has `timedOut: true`. */
  timeoutMs?: number;
  /** Run as root through sudo (default true). */
  asRoot?: boolean;
  /** Written to the command's standard input. */
  stdin?: string;
}

export interface ExecResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Wall time of the command as measured around the SSH exec. */
  durationMs: number;
  timedOut: boolean;
}

/** A file or directory on the harness host to attach read-only inside the guest at `deliveredPath(name)`. */
export interface Delivery {
  name: string;
  hostPath: string;
}

/** What the scenario layer asks for; the environment profile fills it. */
export interface MachineSpec {
  /** Unique per run; names the domain `coreops-verify-<runId>`. */
  runId: string;
  vcpus: number;
  memoryMiB: number;
  /** Where per-run files (console log, rendered Ignition, keys) go. */
  runDir: string;
  /** Files attached read-only without a per-run copy (the agent binary, the fixture repository). */
  deliveries: Delivery[];
  /**
   * The run's token and key pairs, made by the caller before anything boots: whatever the guest prints
   * (also when it never becomes ready) is redacted with them.
   */
  secrets: RunSecrets;
  /** Added to the guest's Ignition config after the harness's own entries (an agent installation). */
  ignitionExtras?: IgnitionExtras;
  /** A cached image to boot instead of the hypervisor's default (a scenario's `image_version`). */
  imageVersion?: string;
}

export interface DestroyReport {
  domainRemoved: boolean;
  volumesRemoved: string[];
  filesRemoved: boolean;
  retained: boolean;
  errors: string[];
  durationMs: number;
}

/** How to reach a retained guest (`--debug`). */
export const AccessInfoSchema = z.strictObject({
  ssh: z.string(),
  consolePath: z.string(),
  virshConsole: z.string(),
  /** The command that removes this guest: it names the machine's own run id (`-r2` after a bring-up retry). */
  destroy: z.string(),
});
export type AccessInfo = z.infer<typeof AccessInfoSchema>;

/** How an operator removes a retained guest (`core-ops-verify machine destroy`). */
export function destroyCommand(runId: string): string {
  return `core-ops-verify machine destroy ${runId}`;
}

/** One disposable guest. `destroy` never throws. */
export interface Machine {
  readonly runId: string;
  readonly name: string;
  start(): Promise<void>;
  /** Waits for this run's readiness record of a boot not seen before. */
  waitReady(options?: { timeoutMs?: number }): Promise<ReadinessRecord>;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  upload(localPath: string, guestPath: string, mode?: number): Promise<void>;
  fetch(guestPath: string, localPath: string): Promise<void>;
  /** Reboots and waits for a readiness record with a new boot id. */
  reboot(options?: { timeoutMs?: number }): Promise<ReadinessRecord>;
  /** The serial console log file on the harness host. */
  consolePath(): string;
  /** `journalctl -b` (optionally for one unit) from the guest. */
  journal(options?: { unit?: string; lines?: number }): Promise<string>;
  /** Guest path at which a `Delivery` of this name is readable. */
  deliveredPath(name: string): string;
  readinessEvidence(): ReadinessEvidence;
  accessInfo(): AccessInfo;
  /** Removes the domain, its volumes and per-run files; with `retain` keeps the VM for debugging. */
  destroy(options?: { retain?: boolean }): Promise<DestroyReport>;
}

/** Description of the base image a hypervisor boots (the image descriptor, `guest-image/descriptor.ts`). */
export interface ImageSummary {
  name: string;
  descriptorPath: string;
  sshUser: string;
  adminGroup: "sudo" | "wheel";
  localContainerImages: string[];
  /** What every verification_run and bundle records about the image booted (guest-image/identity.ts). */
  identity: ImageIdentity;
}

/** Where guests come from: a libvirt connection plus a base image (or the synthetic double). */
export interface Hypervisor {
  readonly uri: string;
  readonly image: ImageSummary;
  createMachine(spec: MachineSpec): Promise<Machine>;
}
