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
  const actions: SetupAction[] = [];
  const blocked: SetupDecision["blocked"] = [];
  const sudo = f.isRoot ? "" : "sudo ";

  if (f.missingPackages.length > 0) {
    const packages = [...f.missingPackages].sort();
    if (f.isRoot && f.isDebian) {
      actions.push({ kind: "install-packages", packages });
    } else {
      blocked.push({
        what: `missing packages: ${packages.join(" ")}${f.isDebian ? "" : " (this host is not Debian: install the equivalents)"}`,
        command: `${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(" ")}`,
      });
    }
    // Nothing below can be probed or done before the packages exist.
    return { actions, blocked };
  }

  if (!f.virtlogdRunning || !f.libvirtdRunning) {
    if (f.systemdIsInit) {
      const units = [
        ...(f.virtlogdRunning ? [] : ["virtlogd.socket"]),
        ...(f.libvirtdRunning ? [] : ["libvirtd.socket", "libvirtd.service"]),
      ];
      if (f.isRoot) actions.push({ kind: "systemctl-start", units });
      else
        blocked.push({
          what: "libvirt daemons not running",
          command: `sudo systemctl start ${units.join(" ")}`,
        });
    } else if (f.isRoot) {
      if (!f.libvirtdRunning && f.defaultNetworkAutostart)
        actions.push({ kind: "disable-default-network-autostart" });
      if (!f.virtlogdRunning) actions.push({ kind: "start-daemon", daemon: "virtlogd" });
      if (!f.libvirtdRunning) actions.push({ kind: "start-daemon", daemon: "libvirtd" });
    } else {
      if (!f.virtlogdRunning) blocked.push({ what: "virtlogd not running", command: "sudo virtlogd -d" });
      if (!f.libvirtdRunning) blocked.push({ what: "libvirtd not running", command: "sudo libvirtd -d" });
    }
    if (actions.length > 0 || blocked.length > 0) return { actions, blocked };
  }

  if (f.kvmDeviceNeedsGroup) {
    if (f.isRoot) actions.push({ kind: "grant-kvm-group" });
    else
      blocked.push({
        what: "/dev/kvm is not accessible to group kvm (libvirt re-probes QEMU on every call)",
        command: "sudo chgrp kvm /dev/kvm && sudo chmod 0660 /dev/kvm",
      });
  }

  const virsh = `${sudo}virsh -c qemu:///system`;
  if (f.pool === "unknown" && f.libvirtError !== undefined) {
    blocked.push({
      what: `cannot query libvirt: ${f.libvirtError}`,
      command: f.isRoot
        ? "virsh -c qemu:///system pool-list --all"
        : "sudo usermod -aG libvirt $USER  (then log in again), or run as root",
    });
  }
  if (f.pool !== "unknown") {
    const poolActions: SetupAction[] = [];
    if (f.pool === "absent") poolActions.push({ kind: "define-pool" });
    if (f.pool !== "active") poolActions.push({ kind: "start-pool" });
    if (f.pool === "absent" || !f.poolAutostart) poolActions.push({ kind: "autostart-pool" });
    if (f.isRoot) actions.push(...poolActions);
    else if (poolActions.length > 0) {
      blocked.push({
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
  }

  if (!f.accelRecorded) {
    if (f.isRoot) actions.push({ kind: "probe-kvm" });
    else blocked.push({ what: "KVM/TCG not yet probed", command: "sudo core-ops-verify setup" });
  }
  return { actions, blocked };
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
