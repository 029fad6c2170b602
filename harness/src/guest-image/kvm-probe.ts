/**
 * Does KVM work on this host? `/dev/kvm` existing is not enough: nested KVM can hang forever in the first
 * vCPU run. The probe boots QEMU's SeaBIOS with `-accel kvm` and watches the BIOS debug port: output
 * within the time limit means KVM runs guest code. The process is killed by PID at the deadline —
 * never awaited without a limit. `interpretKvmProbe` is the pure part.
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

/** The BIOS wrote to its debug port: guest code ran. */
const BIOS_RAN = /SeaBIOS|Booting from|No bootable device/;

export function interpretKvmProbe(obs: KvmProbeObservation): KvmProbeResult {
  if (obs.override !== undefined && obs.override !== "") {
    const value = obs.override.trim().toLowerCase();
    if (value === "kvm" || value === "tcg") return { accel: value, reason: `CORE_OPS_VERIFY_ACCEL=${value}` };
    throw new Error(`CORE_OPS_VERIFY_ACCEL must be "kvm" or "tcg", got ${JSON.stringify(obs.override)}`);
  }
  if (!obs.devKvmExists) return { accel: "tcg", reason: "/dev/kvm does not exist" };
  if (BIOS_RAN.test(obs.output)) return { accel: "kvm", reason: "SeaBIOS ran under -accel kvm" };
  const firstError = obs.output
    .split("\n")
    .map((l) => l.trim())
    .find((l) => /kvm|error|fail|could not/i.test(l));
  if (obs.timedOut) {
    return {
      accel: "tcg",
      reason: "QEMU with -accel kvm ran no guest code before the deadline (nested KVM hang)",
    };
  }
  return {
    accel: "tcg",
    reason: `QEMU with -accel kvm exited with ${obs.exitCode ?? "signal"}${firstError ? `: ${firstError}` : ""}`,
  };
}

/** The QEMU arguments of the probe: SeaBIOS only, its debug port (0x402) on stdout, nothing else. */
export function kvmProbeArgs(accel: "kvm" | "tcg"): string[] {
  return [
    "-accel",
    accel,
    "-machine",
    "q35",
    "-m",
    "64",
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "none",
    "-chardev",
    "stdio,id=dbg",
    "-device",
    "isa-debugcon,iobase=0x402,chardev=dbg",
  ];
}

/**
 * Spawns the probe and resolves at the latest `limitMs` + 2 s later: at the deadline the process is sent
 * SIGKILL by its PID; a process stuck in the kernel is then left to exit on its own (unref'd) rather than
 * awaited.
 */
export function observeKvm(
  qemu = "qemu-system-x86_64",
  limitMs = 5000,
  accel: "kvm" | "tcg" = "kvm",
): Promise<Omit<KvmProbeObservation, "devKvmExists" | "override">> {
  return new Promise((resolve) => {
    let output = "";
    let timedOut = false;
    let settled = false;
    const child = spawn(qemu, kvmProbeArgs(accel), { stdio: ["ignore", "pipe", "pipe"] });
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
      if (BIOS_RAN.test(output) && child.pid !== undefined) {
        // Guest code ran: that is all we wanted to know.
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
      timedOut = !BIOS_RAN.test(output);
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
