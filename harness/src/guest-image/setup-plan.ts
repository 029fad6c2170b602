/**
 * What `core-ops-verify setup` must do, decided from probed host facts — a pure function, so the decision
 * logic is unit-tested without apt or libvirt. The effect loop (setup.ts) probes, asks for the next
 * actions, runs them and probes again until nothing is left to do.
 */

/** Debian packages the substrate needs on the hypervisor host (ignition: for `ignition-validate`). */
export const HOST_PACKAGES = [
  "qemu-system-x86",
  "qemu-utils",
  "libvirt-daemon-system",
  "libvirt-clients",
  "libvirt-daemon-driver-qemu",
  "mmdebstrap",
  "e2fsprogs",
  "ignition",
] as const;

export type PoolState = "absent" | "inactive" | "active" | "unknown";

export interface SetupFacts {
  isRoot: boolean;
  isDebian: boolean;
  /** Packages of HOST_PACKAGES not installed, sorted. */
  missingPackages: string[];
  /** systemd is PID 1 and manages the libvirt daemons (socket activation). */
  systemdIsInit: boolean;
  virtlogdRunning: boolean;
  libvirtdRunning: boolean;
  /** The libvirt `default` network is marked autostart (would create virbr0 on 192.168.122.1). */
  defaultNetworkAutostart: boolean;
  pool: PoolState;
  poolAutostart: boolean;
  /** Why the pool's state is `unknown` although libvirtd runs (e.g. permission denied on the socket). */
  libvirtError?: string;
  /** The recorded KVM/TCG decision is present and was probed with the installed QEMU. */
  accelRecorded: boolean;
  /**
   * `/dev/kvm` exists but the `kvm` group (QEMU's user libvirt-qemu is in it) cannot open it — on a host
   * without udev, where Debian's rule (`GROUP="kvm", MODE="0660"`) never ran. libvirt then finds KVM
   * "not available now" on every capability lookup, calls its cache outdated and re-probes QEMU for
   * ≈ 4 s each time: one `virsh define` took 47 s here (0.03 s once fixed).
   */
  kvmDeviceNeedsGroup: boolean;
}

export type SetupAction =
  | { kind: "install-packages"; packages: string[] }
  | { kind: "disable-default-network-autostart" }
  | { kind: "start-daemon"; daemon: "virtlogd" | "libvirtd" }
  | { kind: "systemctl-start"; units: string[] }
  | { kind: "define-pool" }
  | { kind: "start-pool" }
  | { kind: "autostart-pool" }
  | { kind: "probe-kvm" }
  | { kind: "grant-kvm-group" };

export interface SetupDecision {
  /** Actions to run now, in order. Empty with no `blocked` entries: the host is ready. */
  actions: SetupAction[];
  /** What cannot be done by this process (not root / not Debian), each with the exact command to run. */
  blocked: { what: string; command: string }[];
}

export function planSetup(f: SetupFacts, names: { poolName: string; poolDir: string }): SetupDecision {
  // Nothing else can be probed or done before the packages exist.
  if (f.missingPackages.length > 0) return planPackages(f);
  // Nor before the libvirt daemons run.
  if (!f.virtlogdRunning || !f.libvirtdRunning) return planDaemons(f);
  const steps = [planKvmGroup(f), planLibvirtAccess(f), planPool(f, names), planAccel(f)];
  return { actions: steps.flatMap((s) => s.actions), blocked: steps.flatMap((s) => s.blocked) };
}

/** A step's actions this process runs now. */
function now(...actions: SetupAction[]): SetupDecision {
  return { actions, blocked: [] };
}

/** A step this process cannot do (not root / not Debian): what to tell the operator to run. */
function tell(...blocked: SetupDecision["blocked"]): SetupDecision {
  return { actions: [], blocked };
}

function planPackages(f: SetupFacts): SetupDecision {
  const packages = [...f.missingPackages].sort();
  if (f.isRoot && f.isDebian) return now({ kind: "install-packages", packages });
  return tell({
    what: `missing packages: ${packages.join(" ")}${f.isDebian ? "" : " (this host is not Debian: install the equivalents)"}`,
    command: `${f.isRoot ? "" : "sudo "}env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(" ")}`,
  });
}

/** virtlogd and libvirtd: through their systemd sockets, or started by hand when systemd is not PID 1. */
function planDaemons(f: SetupFacts): SetupDecision {
  if (f.systemdIsInit) {
    const units = [
      ...(f.virtlogdRunning ? [] : ["virtlogd.socket"]),
      ...(f.libvirtdRunning ? [] : ["libvirtd.socket", "libvirtd.service"]),
    ];
    if (f.isRoot) return now({ kind: "systemctl-start", units });
    return tell({ what: "libvirt daemons not running", command: `sudo systemctl start ${units.join(" ")}` });
  }
  if (f.isRoot) {
    return now(
      ...(!f.libvirtdRunning && f.defaultNetworkAutostart
        ? [{ kind: "disable-default-network-autostart" } as const]
        : []),
      ...(f.virtlogdRunning ? [] : [{ kind: "start-daemon", daemon: "virtlogd" } as const]),
      ...(f.libvirtdRunning ? [] : [{ kind: "start-daemon", daemon: "libvirtd" } as const]),
    );
  }
  return tell(
    ...(f.virtlogdRunning ? [] : [{ what: "virtlogd not running", command: "sudo virtlogd -d" }]),
    ...(f.libvirtdRunning ? [] : [{ what: "libvirtd not running", command: "sudo libvirtd -d" }]),
  );
}

function planKvmGroup(f: SetupFacts): SetupDecision {
  if (!f.kvmDeviceNeedsGroup) return now();
  if (f.isRoot) return now({ kind: "grant-kvm-group" });
  return tell({
    what: "/dev/kvm is not accessible to group kvm (libvirt re-probes QEMU on every call)",
    command: "sudo chgrp kvm /dev/kvm && sudo chmod 0660 /dev/kvm",
  });
}

/** libvirtd runs but cannot be queried (e.g. permission denied on its socket). */
function planLibvirtAccess(f: SetupFacts): SetupDecision {
  if (f.pool !== "unknown" || f.libvirtError === undefined) return now();
  return tell({
    what: `cannot query libvirt: ${f.libvirtError}`,
    command: f.isRoot
      ? "virsh -c qemu:///system pool-list --all"
      : "sudo usermod -aG libvirt $USER  (then log in again), or run as root",
  });
}

/** The dir storage pool: defined, started and marked autostart. */
function planPool(f: SetupFacts, names: { poolName: string; poolDir: string }): SetupDecision {
  if (f.pool === "unknown") return now();
  const poolActions: SetupAction[] = [];
  if (f.pool === "absent") poolActions.push({ kind: "define-pool" });
  if (f.pool !== "active") poolActions.push({ kind: "start-pool" });
  if (f.pool === "absent" || !f.poolAutostart) poolActions.push({ kind: "autostart-pool" });
  if (f.isRoot || poolActions.length === 0) return now(...poolActions);
  const virsh = "sudo virsh -c qemu:///system";
  return tell({
    what: `storage pool ${names.poolName} not ready (${f.pool})`,
    command: [
      ...(f.pool === "absent"
        ? [
            `${virsh} pool-define-as ${names.poolName} dir --target ${names.poolDir}`,
            `${virsh} pool-build ${names.poolName}`,
          ]
        : []),
      ...(f.pool !== "active" ? [`${virsh} pool-start ${names.poolName}`] : []),
      `${virsh} pool-autostart ${names.poolName}`,
    ].join(" && "),
  });
}

function planAccel(f: SetupFacts): SetupDecision {
  if (f.accelRecorded) return now();
  if (f.isRoot) return now({ kind: "probe-kvm" });
  return tell({ what: "KVM/TCG not yet probed", command: "sudo core-ops-verify setup" });
}

/** One line per action, for the setup report. */
export function describeAction(a: SetupAction, poolName: string): string {
  switch (a.kind) {
    case "install-packages":
      return `install ${a.packages.join(" ")}`;
    case "disable-default-network-autostart":
      return "remove autostart of libvirt's default network (it would put virbr0 on 192.168.122.1)";
    case "start-daemon":
      return `start ${a.daemon} -d`;
    case "systemctl-start":
      return `systemctl start ${a.units.join(" ")}`;
    case "define-pool":
      return `define storage pool ${poolName}`;
    case "start-pool":
      return `start storage pool ${poolName}`;
    case "autostart-pool":
      return `mark storage pool ${poolName} autostart`;
    case "probe-kvm":
      return "probe KVM (time-limited) and record kvm|tcg";
    case "grant-kvm-group":
      return "give /dev/kvm to group kvm, mode 0660, as Debian's udev rule does (libvirt re-probed QEMU on every call)";
  }
}
