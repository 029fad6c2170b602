/**
 * `ensureSetup`: prepare this host as a hypervisor for core-ops-verify — packages, libvirt daemons (started
 * by hand when systemd is not PID 1), the `core-ops-verify` dir storage pool, and the recorded KVM/TCG
 * decision. Idempotent: probe → plan (pure, setup-plan.ts) → act → probe again, until nothing is left.
 * Never touches domains, and never starts libvirt's `default` network.
 */
import { existsSync } from "node:fs";
import { chmod, chown, lstat, mkdir, readFile, rm, stat } from "node:fs/promises";
import { retry } from "../retry.js";
import { availableProbeKernel, probeAndRecordAccel, qemuVersion } from "./accel.js";
import { mustRun, type RunCommand, runCommand, SubstrateError } from "./command.js";
import { DPKG_QUERY_FORMAT, parseDpkgQuery } from "./dpkg.js";
import { type HostRecord, readHostRecord } from "./host-record.js";
import { type SubstratePaths, substratePaths } from "./paths.js";
import type { ProgressLog } from "./progress-log.js";
import {
  describeAction,
  HOST_PACKAGES,
  type PoolState,
  planSetup,
  type SetupAction,
  type SetupFacts,
} from "./setup-plan.js";

export interface SetupReport {
  /** What this run changed, in order; empty when the host was already ready. */
  changed: string[];
  /** What could not be done, with the exact command for the operator. */
  blocked: { what: string; command: string }[];
  host: HostRecord | undefined;
  durationMs: number;
}

const DEFAULT_NETWORK_AUTOSTART = "/etc/libvirt/qemu/networks/autostart/default.xml";
const KVM_DEVICE = "/dev/kvm";
const LOCAL_URI = "qemu:///system";

/** Probes the host and returns what is true now. */
export async function probeSetupFacts(
  paths: SubstratePaths,
  run: RunCommand = runCommand,
): Promise<SetupFacts> {
  const local = paths.libvirtUri === LOCAL_URI;
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync("/etc/debian_version");
  const wanted = local ? [...HOST_PACKAGES] : ["libvirt-clients", "qemu-utils", "ignition"];
  const missingPackages = await missingOf(wanted, isDebian, run);
  const virtlogdRunning = !local || (await daemonRunning("virtlogd"));
  const libvirtdRunning = !local || (await daemonRunning("libvirtd"));
  let pool: PoolState = "unknown";
  let poolAutostart = false;
  let libvirtError: string | undefined;
  if (missingPackages.length === 0 && libvirtdRunning) {
    const info = await run("virsh", ["-c", paths.libvirtUri, "pool-info", paths.poolName]);
    if (info.exitCode !== 0) {
      if (/not found|no storage pool/i.test(info.stderr)) pool = "absent";
      else
        libvirtError =
          info.stderr
            .trim()
            .split("\n")
            .filter((l) => l.trim() !== "")
            .pop() ?? `virsh exited ${info.exitCode}`;
    } else {
      pool = /^State:\s+running/m.test(info.stdout) ? "active" : "inactive";
      poolAutostart = /^Autostart:\s+yes/m.test(info.stdout);
    }
  }
  let accelRecorded = false;
  if (missingPackages.length === 0) {
    const record = await readHostRecord(paths.hostFactsFile);
    // A bios-level decision is redone with the kernel probe once an image provides a kernel.
    accelRecorded =
      record !== undefined &&
      record.qemu_version === (await qemuVersion(run)) &&
      (record.accel_probe === "kernel" || (await availableProbeKernel(paths)) === undefined);
  }
  return {
    isRoot,
    isDebian,
    missingPackages,
    systemdIsInit: existsSync("/run/systemd/system"),
    virtlogdRunning,
    libvirtdRunning,
    defaultNetworkAutostart: await exists(DEFAULT_NETWORK_AUTOSTART),
    pool,
    poolAutostart,
    ...(libvirtError === undefined ? {} : { libvirtError }),
    accelRecorded,
    kvmDeviceNeedsGroup: missingPackages.length === 0 && (await kvmDeviceNeedsGroup()),
  };
}

/** `/dev/kvm` exists, a `kvm` group exists, and that group cannot read and write the device. */
async function kvmDeviceNeedsGroup(): Promise<boolean> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(KVM_DEVICE);
  } catch {
    return false;
  }
  const gid = await kvmGroupId();
  if (gid === undefined) return false;
  return st.gid !== gid || (st.mode & 0o060) !== 0o060;
}

async function kvmGroupId(): Promise<number | undefined> {
  const group = await readFile("/etc/group", "utf8").catch(() => "");
  const line = group.split("\n").find((l) => l.startsWith("kvm:"));
  const gid = line === undefined ? Number.NaN : Number(line.split(":")[2]);
  return Number.isInteger(gid) ? gid : undefined;
}

/** Makes the host ready (or reports exactly what is missing). Throws only on a failed action. */
export async function runSetup(
  log: ProgressLog,
  paths: SubstratePaths = substratePaths(),
  run: RunCommand = runCommand,
): Promise<SetupReport> {
  const started = performance.now();
  const changed: string[] = [];
  let blocked: SetupReport["blocked"] = [];
  for (let round = 0; round < 6; round++) {
    const facts = await probeSetupFacts(paths, run);
    const decision = planSetup(facts, paths);
    blocked = decision.blocked;
    if (decision.actions.length === 0) break;
    for (const action of decision.actions) {
      const what = describeAction(action, paths.poolName);
      log(`setup: ${what}`);
      await perform(action, paths, run, log);
      changed.push(what);
    }
    if (round === 5)
      throw new SubstrateError("setup did not converge after 6 rounds", "run it again and read the log");
  }
  const host = await readHostRecord(paths.hostFactsFile);
  return { changed, blocked, host, durationMs: performance.now() - started };
}

/**
 * For `core-ops-verify run`, `npm run verify` and the scenarios global setup: make the host ready or throw
 * a `SubstrateError` that lists the exact commands the operator must run.
 */
export async function ensureSetup(log: ProgressLog): Promise<SetupReport> {
  const report = await runSetup(log);
  if (report.blocked.length > 0) {
    throw new SubstrateError(
      `the host is not ready for VM scenarios:\n${report.blocked.map((b) => `  - ${b.what}\n      ${b.command}`).join("\n")}`,
      "run the commands above (or `core-ops-verify setup` as root on Debian)",
    );
  }
  if (report.changed.length === 0) log("setup: host ready, nothing to do");
  return report;
}

async function perform(
  action: SetupAction,
  paths: SubstratePaths,
  run: RunCommand,
  log: ProgressLog,
): Promise<void> {
  const virsh = (...args: string[]) => mustRun(run, "virsh", ["-c", paths.libvirtUri, ...args]);
  switch (action.kind) {
    case "install-packages":
      return installPackages(action.packages, run, log);
    case "disable-default-network-autostart":
      await rm(DEFAULT_NETWORK_AUTOSTART, { force: true });
      return;
    case "start-daemon":
      return startDaemon(action.daemon, run);
    case "systemctl-start":
      await mustRun(run, "systemctl", ["start", ...action.units]);
      return;
    case "define-pool":
      await mkdir(paths.stateDir, { recursive: true, mode: 0o755 });
      await mkdir(paths.poolDir, { recursive: true, mode: 0o711 });
      await virsh("pool-define-as", paths.poolName, "dir", "--target", paths.poolDir);
      return;
    case "start-pool":
      await mkdir(paths.poolDir, { recursive: true, mode: 0o711 });
      await virsh("pool-start", paths.poolName);
      return;
    case "autostart-pool":
      await virsh("pool-autostart", paths.poolName);
      return;
    case "probe-kvm":
      await probeAndRecordAccel(paths, run, log, await availableProbeKernel(paths));
      return;
    case "grant-kvm-group":
      return grantKvmGroup();
  }
}

async function installPackages(packages: string[], run: RunCommand, log: ProgressLog): Promise<void> {
  const env = { DEBIAN_FRONTEND: "noninteractive", NEEDRESTART_MODE: "a" };
  const update = await run("apt-get", ["-q", "update"], { env, log, prefix: "  apt: " });
  // Unreachable third-party sources make `apt-get update` exit non-zero while Debian's archive is fine;
  // the install below is the real test.
  if (update.exitCode !== 0)
    log(`  apt: apt-get update exited ${update.exitCode}; continuing with the install`);
  await mustRun(
    run,
    "apt-get",
    ["-q", "-y", "--no-install-recommends", "-o", "Dpkg::Use-Pty=0", "install", ...packages],
    {
      env,
      log,
      prefix: "  apt: ",
      hint: "check that Debian's package archive is reachable (apt-get update)",
    },
  );
}

/** Starts a libvirt daemon by hand (systemd is not PID 1) and waits until it accepts connections. */
async function startDaemon(daemon: "virtlogd" | "libvirtd", run: RunCommand): Promise<void> {
  const socket = daemon === "libvirtd" ? "/run/libvirt/libvirt-sock" : "/run/libvirt/virtlogd-sock";
  // The daemon is not running, so a socket file left by a killed one is stale: remove it, or the wait
  // below would return at once.
  await rm(socket, { force: true });
  await mustRun(run, daemon, ["-d"]);
  await waitFor(() => existsSync(socket), 15_000, `${daemon} did not create ${socket} within 15 s`);
  // libvirtd creates its socket before its drivers are up; the next virsh call must not race that.
  if (daemon === "libvirtd") await waitForLibvirt(run, 30_000);
}

/** Gives /dev/kvm to group kvm, mode 0660, as Debian's udev rule does. */
async function grantKvmGroup(): Promise<void> {
  const gid = await kvmGroupId();
  if (gid === undefined) throw new SubstrateError("group kvm vanished", "create it: groupadd -r kvm");
  await chown(KVM_DEVICE, 0, gid);
  await chmod(KVM_DEVICE, 0o660);
}

async function missingOf(packages: string[], isDebian: boolean, run: RunCommand): Promise<string[]> {
  if (!isDebian) {
    const missing: string[] = [];
    for (const p of packages) if (!(await onPath(PACKAGE_PROGRAM[p] ?? p))) missing.push(p);
    return missing.sort();
  }
  const result = await run("dpkg-query", ["-W", DPKG_QUERY_FORMAT, ...packages]);
  const installed = new Set(Object.keys(parseDpkgQuery(result.stdout)));
  return packages.filter((p) => !installed.has(p)).sort();
}

const PACKAGE_PROGRAM: Record<string, string> = {
  "qemu-system-x86": "qemu-system-x86_64",
  "qemu-utils": "qemu-img",
  "libvirt-daemon-system": "libvirtd",
  "libvirt-clients": "virsh",
  "libvirt-daemon-driver-qemu": "libvirtd",
  mmdebstrap: "mmdebstrap",
  e2fsprogs: "mke2fs",
  ignition: "ignition-validate",
};

async function onPath(program: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? "").split(":"))
    if (dir && (await exists(`${dir}/${program}`))) return true;
  return false;
}

/** A daemon started with `-d` writes /run/<name>.pid; it runs when that PID is alive and is that program. */
async function daemonRunning(name: "virtlogd" | "libvirtd"): Promise<boolean> {
  try {
    const pid = Number.parseInt((await readFile(`/run/${name}.pid`, "utf8")).trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    const comm = (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
    return comm === name;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, limitMs: number, message: string): Promise<void> {
  await retry(async () => check() || undefined, {
    what: message,
    timeoutMs: limitMs,
    intervalMs: 100,
    onTimeout: () => new SubstrateError(message, "look at the daemon's log under /var/log/libvirt/"),
  });
}

/** Waits until `virsh version` connects to the local libvirtd. */
async function waitForLibvirt(run: RunCommand, limitMs: number): Promise<void> {
  let stderr = "";
  await retry(
    async () => {
      const probe = await run("virsh", ["-c", LOCAL_URI, "version"]);
      stderr = probe.stderr;
      return probe.exitCode === 0 || undefined;
    },
    {
      what: "libvirtd accepting connections",
      timeoutMs: limitMs,
      intervalMs: 250,
      onTimeout: () =>
        new SubstrateError(
          `libvirtd started but does not accept connections after ${limitMs / 1000} s: ${stderr.trim()}`,
          "see /var/log/libvirt/libvirtd.log",
        ),
    },
  );
}
