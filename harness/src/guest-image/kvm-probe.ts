/**
 * Does KVM work on this host? `/dev/kvm` existing is not enough: nested KVM can hang in the vCPU run.
 * Two probes, both killed by PID at a deadline — never awaited without a limit:
 * - `bios`: SeaBIOS under `-accel kvm`, watching its debug port (cheap; needs no guest kernel). On this
 *   machine SeaBIOS runs under nested KVM, so this level alone is not conclusive;
 * - `kernel`: the guest image's kernel under `-accel kvm` with no root file system: it must reach its
 *   "unable to mount root" panic within the limit (a working KVM needs ~1 s). Used whenever a built image
 *   provides a kernel.
 * `interpretKvmProbe` is the pure part.
 */
import { spawn } from "node:child_process";

export interface KvmProbeObservation {
  devKvmExists: boolean;
  /** `null` when the process had to be killed at the deadline. */
  exitCode: number | null;
  timedOut: boolean;
  /** Everything QEMU wrote (stdout: BIOS debug port; stderr: QEMU's own errors). */
  output: string;
  /** The override `CORE_OPS_VERIFY_ACCEL`, when set. */
  override?: string;
}

export interface KvmProbeResult {
  accel: "kvm" | "tcg";
  reason: string;
}

export type KvmProbeLevel = "bios" | "kernel";

/** The BIOS wrote to its debug port: guest code ran. */
const BIOS_RAN = /SeaBIOS|Booting from|No bootable device/;
/** KVM gave up on the guest (seen here: "KVM internal error. Suberror: 1 … emulation failure", then a hang). */
const KVM_FAILED = /KVM internal error|emulation failure|failed to initialize kvm/i;
/** The kernel booted as far as looking for its root file system: long mode, interrupts, timers all ran. */
const KERNEL_RAN = /Kernel panic|VFS: Unable to mount root|Run \/init|end Kernel panic/;

export function interpretKvmProbe(obs: KvmProbeObservation, level: KvmProbeLevel = "bios"): KvmProbeResult {
  if (obs.override !== undefined && obs.override !== "") {
    const value = obs.override.trim().toLowerCase();
    if (value === "kvm" || value === "tcg") return { accel: value, reason: `CORE_OPS_VERIFY_ACCEL=${value}` };
    throw new Error(`CORE_OPS_VERIFY_ACCEL must be "kvm" or "tcg", got ${JSON.stringify(obs.override)}`);
  }
  if (!obs.devKvmExists) return { accel: "tcg", reason: "/dev/kvm does not exist" };
  if (level === "bios" && BIOS_RAN.test(obs.output))
    return { accel: "kvm", reason: "SeaBIOS ran under -accel kvm" };
  if (level === "kernel" && KERNEL_RAN.test(obs.output)) {
    return { accel: "kvm", reason: "the guest kernel booted to its root mount under -accel kvm" };
  }
  const firstError = obs.output
    .split("\n")
    .map((l) => l.trim())
    .find((l) => /kvm|error|fail|could not/i.test(l));
  if (obs.timedOut) {
    const what =
      level === "kernel"
        ? "the guest kernel did not boot under -accel kvm before the deadline (nested KVM hang)"
        : "QEMU with -accel kvm ran no guest code before the deadline (nested KVM hang)";
    return { accel: "tcg", reason: firstError ? `${what}: ${firstError}` : what };
  }
  return {
    accel: "tcg",
    reason: `QEMU with -accel kvm exited with ${obs.exitCode ?? "signal"}${firstError ? `: ${firstError}` : ""}`,
  };
}

/** A headless q35 machine with no default devices, no monitor and no user configuration. */
function headlessMachine(accel: "kvm" | "tcg", memoryMb: number): string[] {
  return [
    "-accel",
    accel,
    "-machine",
    "q35",
    "-m",
    String(memoryMb),
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-monitor",
    "none",
  ];
}

/** The QEMU arguments of the probe: SeaBIOS only, its debug port (0x402) on stdout, nothing else. */
export function kvmProbeArgs(accel: "kvm" | "tcg"): string[] {
  return [
    ...headlessMachine(accel, 64),
    "-serial",
    "none",
    "-chardev",
    "stdio,id=dbg",
    "-device",
    "isa-debugcon,iobase=0x402,chardev=dbg",
  ];
}

/** The QEMU arguments of the kernel probe: the kernel alone, serial on stdout, exit on panic. */
export function kvmKernelProbeArgs(kernel: string, accel: "kvm" | "tcg" = "kvm"): string[] {
  return [
    ...headlessMachine(accel, 256),
    // The domain's CPU model (qemu64); `-cpu host` fails differently under nested KVM (MSR errors).
    "-cpu",
    "qemu64",
    "-no-reboot",
    "-serial",
    "stdio",
    "-kernel",
    kernel,
    "-append",
    "console=ttyS0 panic=-1 loglevel=4",
  ];
}

/**
 * Spawns the probe and resolves at the latest `limitMs` + 2 s later: at the deadline the process is sent
 * SIGKILL by its PID; a process stuck in the kernel is then left to exit on its own (unref'd) rather than
 * awaited.
 */
export function observeKvm(
  options: { kernel?: string; limitMs?: number; qemu?: string } = {},
): Promise<Omit<KvmProbeObservation, "devKvmExists" | "override">> {
  const qemu = options.qemu ?? "qemu-system-x86_64";
  const limitMs = options.limitMs ?? (options.kernel ? 20_000 : 5000);
  const args = options.kernel ? kvmKernelProbeArgs(options.kernel) : kvmProbeArgs("kvm");
  const ran = options.kernel ? KERNEL_RAN : BIOS_RAN;
  return new Promise((resolve) => {
    let output = "";
    let timedOut = false;
    let settled = false;
    const child = spawn(qemu, args, { stdio: ["ignore", "pipe", "pipe"] });
    const finish = (exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(giveUp);
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      resolve({ exitCode, timedOut, output });
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if ((ran.test(output) || KVM_FAILED.test(output)) && child.pid !== undefined) {
        // Guest code ran, or KVM already gave up: that is all we wanted to know.
        killPid(child.pid);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (err) => {
      output += `\n${err.message}`;
      finish(127);
    });
    child.on("exit", (code) => finish(code));
    const deadline = setTimeout(() => {
      timedOut = !ran.test(output);
      if (child.pid !== undefined) killPid(child.pid);
    }, limitMs);
    const giveUp = setTimeout(() => finish(null), limitMs + 2000);
  });
}

function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
