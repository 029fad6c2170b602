import { describe, expect, it } from "vitest";
import { interpretKvmProbe, kvmKernelProbeArgs, kvmProbeArgs } from "./kvm-probe.js";

const obs = { devKvmExists: true, exitCode: null, timedOut: false, output: "" };

describe("interpretKvmProbe", () => {
  it("kvm when the BIOS ran guest code", () => {
    const out = "SeaBIOS (version 1.16.2-debian-1.16.2-1)\nBUILD: gcc\n";
    expect(interpretKvmProbe({ ...obs, output: out })).toEqual({
      accel: "kvm",
      reason: "SeaBIOS ran under -accel kvm",
    });
  });

  it("tcg when the probe hung until killed (nested KVM)", () => {
    const r = interpretKvmProbe({ ...obs, timedOut: true });
    expect(r.accel).toBe("tcg");
    expect(r.reason).toMatch(/deadline/);
  });

  it("tcg without /dev/kvm, whatever the output", () => {
    expect(interpretKvmProbe({ ...obs, devKvmExists: false, output: "SeaBIOS" })).toEqual({
      accel: "tcg",
      reason: "/dev/kvm does not exist",
    });
  });

  it("tcg with QEMU's error when KVM cannot be opened", () => {
    const r = interpretKvmProbe({
      ...obs,
      exitCode: 1,
      output:
        "Could not access KVM kernel module: Permission denied\nqemu-system-x86_64: failed to initialize kvm\n",
    });
    expect(r).toEqual({
      accel: "tcg",
      reason: "QEMU with -accel kvm exited with 1: Could not access KVM kernel module: Permission denied",
    });
  });

  it("at kernel level, BIOS output alone is not enough: the kernel must reach its root mount", () => {
    const bios = "SeaBIOS (version 1.16.2)\nBooting from ROM..\n";
    expect(interpretKvmProbe({ ...obs, output: bios, timedOut: true }, "kernel")).toEqual({
      accel: "tcg",
      reason: "the guest kernel did not boot under -accel kvm before the deadline (nested KVM hang)",
    });
    const internal = "KVM internal error. Suberror: 1\nextra data[0]: 0x1\nemulation failure\n";
    expect(interpretKvmProbe({ ...obs, output: internal, exitCode: null }, "kernel")).toEqual({
      accel: "tcg",
      reason: "QEMU with -accel kvm exited with signal: KVM internal error. Suberror: 1",
    });
    const panic = `${bios}[    0.91] VFS: Unable to mount root fs on unknown-block(0,0)\n[    0.92] Kernel panic - not syncing\n`;
    expect(interpretKvmProbe({ ...obs, output: panic, exitCode: 0 }, "kernel").accel).toBe("kvm");
  });

  it("honours CORE_OPS_VERIFY_ACCEL and rejects a bad value", () => {
    expect(interpretKvmProbe({ ...obs, output: "SeaBIOS", override: "tcg" }).accel).toBe("tcg");
    expect(() => interpretKvmProbe({ ...obs, override: "hvf" })).toThrow(/CORE_OPS_VERIFY_ACCEL/);
  });

  it("asks QEMU for the chosen accelerator and the BIOS debug port only", () => {
    const args = kvmProbeArgs("kvm");
    expect(args.slice(0, 2)).toEqual(["-accel", "kvm"]);
    expect(args).toContain("isa-debugcon,iobase=0x402,chardev=dbg");
    expect(args).toContain("-nodefaults");
    const kernel = kvmKernelProbeArgs("/var/lib/core-ops-verify/images/h/vmlinuz");
    expect(kernel).toEqual(
      expect.arrayContaining(["-kernel", "/var/lib/core-ops-verify/images/h/vmlinuz", "-no-reboot"]),
    );
    expect(kernel[kernel.indexOf("-append") + 1]).toContain("panic=-1");
  });
});
