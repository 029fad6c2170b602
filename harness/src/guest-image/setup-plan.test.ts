import { describe, expect, it } from "vitest";
import { HOST_PACKAGES, planSetup, type SetupFacts } from "./setup-plan.js";

const names = { poolName: "core-ops-verify", poolDir: "/var/lib/core-ops-verify/pool" };
const ready: SetupFacts = {
  isRoot: true,
  isDebian: true,
  missingPackages: [],
  systemdIsInit: false,
  virtlogdRunning: true,
  libvirtdRunning: true,
  defaultNetworkAutostart: false,
  pool: "active",
  poolAutostart: true,
  accelRecorded: true,
  kvmDeviceNeedsGroup: false,
};
const kinds = (f: SetupFacts) => planSetup(f, names).actions.map((a) => a.kind);

describe("planSetup", () => {
  it("does nothing on a ready host", () => {
    expect(planSetup(ready, names)).toEqual({ actions: [], blocked: [] });
  });

  it("installs missing packages first and nothing else (nothing else can be probed yet)", () => {
    const d = planSetup(
      { ...ready, missingPackages: ["mmdebstrap", "ignition"], libvirtdRunning: false },
      names,
    );
    expect(d.actions).toEqual([{ kind: "install-packages", packages: ["ignition", "mmdebstrap"] }]);
  });

  it("lists every host package on a fresh host", () => {
    const d = planSetup({ ...ready, missingPackages: [...HOST_PACKAGES].sort() }, names);
    expect(d.actions[0]).toEqual({ kind: "install-packages", packages: [...HOST_PACKAGES].sort() });
  });

  it("starts the daemons by hand without systemd, virtlogd before libvirtd", () => {
    expect(kinds({ ...ready, virtlogdRunning: false, libvirtdRunning: false })).toEqual([
      "start-daemon",
      "start-daemon",
    ]);
    const d = planSetup({ ...ready, virtlogdRunning: false, libvirtdRunning: false }, names);
    expect(d.actions.map((a) => (a.kind === "start-daemon" ? a.daemon : ""))).toEqual([
      "virtlogd",
      "libvirtd",
    ]);
    expect(kinds({ ...ready, libvirtdRunning: false })).toEqual(["start-daemon"]);
  });

  it("never lets libvirtd start the default network: removes its autostart before starting libvirtd", () => {
    expect(kinds({ ...ready, libvirtdRunning: false, defaultNetworkAutostart: true })).toEqual([
      "disable-default-network-autostart",
      "start-daemon",
    ]);
    // libvirtd already running: its networks are not ours to touch.
    expect(kinds({ ...ready, defaultNetworkAutostart: true })).toEqual([]);
  });

  it("uses systemctl when systemd is PID 1", () => {
    const d = planSetup({ ...ready, systemdIsInit: true, libvirtdRunning: false }, names);
    expect(d.actions).toEqual([{ kind: "systemctl-start", units: ["libvirtd.socket", "libvirtd.service"] }]);
  });

  it("defines, starts and autostarts an absent pool; only starts an inactive one", () => {
    expect(kinds({ ...ready, pool: "absent", poolAutostart: false })).toEqual([
      "define-pool",
      "start-pool",
      "autostart-pool",
    ]);
    expect(kinds({ ...ready, pool: "inactive" })).toEqual(["start-pool"]);
    expect(kinds({ ...ready, poolAutostart: false })).toEqual(["autostart-pool"]);
  });

  it("gives /dev/kvm to group kvm when it is root-only, or names the command when not root", () => {
    expect(kinds({ ...ready, kvmDeviceNeedsGroup: true })).toEqual(["grant-kvm-group"]);
    const d = planSetup({ ...ready, isRoot: false, kvmDeviceNeedsGroup: true }, names);
    expect(d.actions).toEqual([]);
    expect(d.blocked).toEqual([
      {
        what: "/dev/kvm is not accessible to group kvm (libvirt re-probes QEMU on every call)",
        command: "sudo chgrp kvm /dev/kvm && sudo chmod 0660 /dev/kvm",
      },
    ]);
  });

  it("probes KVM when no probe result is recorded", () => {
    expect(kinds({ ...ready, accelRecorded: false })).toEqual(["probe-kvm"]);
  });

  it("acts on nothing when not root, and gives the exact commands", () => {
    const d = planSetup({ ...ready, isRoot: false, missingPackages: ["mmdebstrap", "qemu-utils"] }, names);
    expect(d.actions).toEqual([]);
    expect(d.blocked).toEqual([
      {
        what: "missing packages: mmdebstrap qemu-utils",
        command:
          "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mmdebstrap qemu-utils",
      },
    ]);
    const daemons = planSetup(
      { ...ready, isRoot: false, virtlogdRunning: false, libvirtdRunning: false },
      names,
    );
    expect(daemons.blocked.map((b) => b.command)).toEqual(["sudo virtlogd -d", "sudo libvirtd -d"]);
    const pool = planSetup({ ...ready, isRoot: false, pool: "absent" }, names);
    expect(pool.blocked[0]?.command).toBe(
      "sudo virsh -c qemu:///system pool-define-as core-ops-verify dir --target /var/lib/core-ops-verify/pool && " +
        "sudo virsh -c qemu:///system pool-build core-ops-verify && sudo virsh -c qemu:///system pool-start core-ops-verify && " +
        "sudo virsh -c qemu:///system pool-autostart core-ops-verify",
    );
  });

  it("does not install on a non-Debian host even as root, and says so", () => {
    const d = planSetup({ ...ready, isDebian: false, missingPackages: ["qemu-utils"] }, names);
    expect(d.actions).toEqual([]);
    expect(d.blocked[0]?.what).toMatch(/not Debian/);
  });

  it("waits for the pool's state when libvirt cannot be asked yet", () => {
    expect(kinds({ ...ready, pool: "unknown" })).toEqual([]);
  });

  it("reports a libvirt it cannot query (e.g. not root: permission denied) instead of calling the host ready", () => {
    const d = planSetup(
      {
        ...ready,
        isRoot: false,
        pool: "unknown",
        libvirtError: "error: Failed to connect socket: Permission denied",
      },
      names,
    );
    expect(d.actions).toEqual([]);
    expect(d.blocked).toEqual([
      {
        what: "cannot query libvirt: error: Failed to connect socket: Permission denied",
        command: "sudo usermod -aG libvirt $USER  (then log in again), or run as root",
      },
    ]);
  });
});
