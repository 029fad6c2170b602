/**
 * The libvirt domain XML for one run, built in code and data-driven from the image descriptor (pure):
 * - `direct-kernel` + `user-restricted` (the local Debian guest): kernel/initrd/cmdline from the descriptor,
 *   QEMU user networking with `restrict=on` and SSH forwarded to 127.0.0.1 only;
 * - `bootloader` + `bridge` (a Fedora CoreOS base image on a real hypervisor): boots the disk, NIC on a host
 *   bridge.
 * Ignition always arrives through fw_cfg (`-fw_cfg name=opt/com.coreos/config,file=…`), the serial console
 * goes to a file, and TCG gets a capped translation cache and `TCG_KERNEL_ARGS`.
 */
import type { ImageDescriptor } from "../guest-image/descriptor.js";
import { type Owner, ownerMetadataXml } from "./owner.js";

export type DomainType = "kvm" | "qemu";

export interface DomainParams {
  name: string;
  domainType: DomainType;
  vcpus: number;
  memoryMiB: number;
  descriptor: ImageDescriptor;
  pool: string;
  /** Overlay volume (in `pool`) the guest boots from. */
  volume: string;
  consolePath: string;
  ignitionPath: string;
  /** Host port forwarded to the guest's port 22 (user-restricted network only). */
  sshPort?: number;
  /** A read-only raw disk image with the deliveries. */
  deliveryDiskPath?: string;
  owner: Owner;
  /** Extra kernel command line appended to the descriptor's (direct-kernel only). */
  extraCmdline?: string;
  /** CPU model under TCG (default `qemu64`, measured fastest here). */
  tcgCpuModel?: string;
  /** TCG translation cache size (default 256 MiB: halves QEMU's RSS at the same speed). */
  tbCacheMiB?: number;
}

export const USER_NETDEV_ID = "coreopsnet0";

/**
 * Kernel arguments a direct-kernel guest gets under TCG only. `cgroup.memory=nokmem`: the kernel turns on
 * memcg kernel-memory accounting when systemd creates its first cgroups, live-patching a static branch in
 * `kfree`/`kmem_cache_free` with int3. The early-boot panics seen under QEMU 7.2's multi-threaded TCG
 * ("Oops: int3" at that branch, "Fatal exception in interrupt") point to another vCPU running the
 * half-patched code; without the patch there is nothing to race. Nothing a scenario checks depends on
 * kernel memory being charged to cgroups (README.md "Debugging a failed scenario").
 */
export const TCG_KERNEL_ARGS = "cgroup.memory=nokmem";

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** QEMU `-netdev`/`-fw_cfg` option values: a comma inside a value must be doubled. */
function qemuOptionValue(value: string): string {
  return value.replace(/,/g, ",,");
}

export function buildDomainXml(params: DomainParams): string {
  const lines = [
    `<domain type='${params.domainType}' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>`,
    `  <name>${xmlEscape(params.name)}</name>`,
    `  <metadata>${ownerMetadataXml(params.owner)}</metadata>`,
    `  <memory unit='MiB'>${params.memoryMiB}</memory>`,
    `  <vcpu>${params.vcpus}</vcpu>`,
    ...osXml(params),
    ...cpuXml(params),
    "  <on_poweroff>destroy</on_poweroff>",
    "  <on_reboot>restart</on_reboot>",
    "  <on_crash>destroy</on_crash>",
    "  <devices>",
    ...bootDiskXml(params),
    ...deliveryDiskXml(params),
    ...bridgeInterfaceXml(params.descriptor),
    ...consoleXml(params),
    "  </devices>",
    "  <qemu:commandline>",
    ...qemuArgs(params).map((arg) => `    <qemu:arg value='${xmlEscape(arg)}'/>`),
    "  </qemu:commandline>",
    "</domain>",
  ];
  return `${lines.join("\n")}\n`;
}

/** Features and CPU: TCG gets a capped translation cache and a named CPU model, KVM the host's CPU. */
function cpuXml(params: DomainParams): string[] {
  if (params.domainType === "qemu") {
    return [
      "  <features><acpi/>",
      `    <tcg><tb-cache unit='MiB'>${params.tbCacheMiB ?? 256}</tb-cache></tcg>`,
      "  </features>",
      `  <cpu mode='custom' match='exact'><model fallback='allow'>${xmlEscape(params.tcgCpuModel ?? "qemu64")}</model></cpu>`,
    ];
  }
  return ["  <features><acpi/>", "  </features>", "  <cpu mode='host-passthrough'/>"];
}

/** The overlay volume the guest boots from. */
function bootDiskXml(params: DomainParams): string[] {
  return [
    "    <disk type='volume' device='disk'>",
    "      <driver name='qemu' type='qcow2'/>",
    `      <source pool='${xmlEscape(params.pool)}' volume='${xmlEscape(params.volume)}'/>`,
    "      <target dev='vda' bus='virtio'/>",
    "    </disk>",
  ];
}

/** The read-only delivery disk, when the run has deliveries. */
function deliveryDiskXml(params: DomainParams): string[] {
  if (params.deliveryDiskPath === undefined) return [];
  return [
    "    <disk type='file' device='disk'>",
    "      <driver name='qemu' type='raw'/>",
    // Shared by every run with the same content: never relabelled (its mode makes it world-readable).
    `      <source file='${xmlEscape(params.deliveryDiskPath)}'><seclabel model='dac' relabel='no'/></source>`,
    "      <target dev='vdb' bus='virtio'/>",
    "      <serial>coreops-delivery</serial>",
    "      <readonly/>",
    "    </disk>",
  ];
}

/** A virtio NIC on the descriptor's host bridge (bridge network only). */
function bridgeInterfaceXml(descriptor: ImageDescriptor): string[] {
  if (descriptor.network.mode !== "bridge") return [];
  if (descriptor.network.bridge === undefined || descriptor.network.bridge === "") {
    throw new Error(
      `image descriptor ${descriptor.name}: network.mode is "bridge" but network.bridge is missing; name the host bridge`,
    );
  }
  return [
    "    <interface type='bridge'>",
    `      <source bridge='${xmlEscape(descriptor.network.bridge)}'/>`,
    "      <model type='virtio'/>",
    "    </interface>",
  ];
}

/** The serial console logged to a file, the entropy source and no memory balloon. */
function consoleXml(params: DomainParams): string[] {
  const path = xmlEscape(params.consolePath);
  return [
    `    <serial type='file'><source path='${path}'/><target port='0'/></serial>`,
    `    <console type='file'><source path='${path}'/><target type='serial' port='0'/></console>`,
    "    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>",
    "    <memballoon model='none'/>",
  ];
}

function osXml(params: DomainParams): string[] {
  const { boot } = params.descriptor;
  if (boot.method === "direct-kernel") {
    const tcg = params.domainType === "qemu" ? TCG_KERNEL_ARGS : "";
    const cmdline = [boot.cmdline, tcg, params.extraCmdline ?? ""]
      .filter((part) => part.trim() !== "")
      .join(" ");
    return [
      "  <os>",
      "    <type arch='x86_64' machine='q35'>hvm</type>",
      `    <kernel>${xmlEscape(boot.kernel)}</kernel>`,
      `    <initrd>${xmlEscape(boot.initrd)}</initrd>`,
      `    <cmdline>${xmlEscape(cmdline)}</cmdline>`,
      "  </os>",
    ];
  }
  const firmware = boot.firmware === "efi" ? " firmware='efi'" : "";
  return [
    `  <os${firmware}>`,
    "    <type arch='x86_64' machine='q35'>hvm</type>",
    "    <boot dev='hd'/>",
    "  </os>",
  ];
}

/** The QEMU arguments libvirt 9.0 cannot express natively (fw_cfg file entry, restricted user network). */
export function qemuArgs(params: DomainParams): string[] {
  const { descriptor } = params;
  const args = [
    "-fw_cfg",
    `name=${descriptor.ignition.fw_cfg_name},file=${qemuOptionValue(params.ignitionPath)}`,
  ];
  if (descriptor.network.mode === "user-restricted") {
    if (params.sshPort === undefined) throw new Error("user-restricted network needs an SSH port to forward");
    args.push(
      "-netdev",
      `user,id=${USER_NETDEV_ID},restrict=on,hostfwd=tcp:127.0.0.1:${params.sshPort}-:22`,
      "-device",
      `virtio-net-pci,netdev=${USER_NETDEV_ID},addr=0x10`,
    );
  }
  return args;
}
