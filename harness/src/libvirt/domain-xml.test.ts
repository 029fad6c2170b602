import { describe, expect, it } from "vitest";
import { type ImageDescriptor, ImageDescriptorSchema } from "../guest-image/descriptor.js";
import { buildDomainXml, type DomainParams, qemuArgs } from "./domain-xml.js";
import { parseOwnerMetadata } from "./owner.js";

const local: ImageDescriptor = ImageDescriptorSchema.parse({
  schema_version: 1,
  name: "coreops-guest-trixie",
  recipe_hash: "abc",
  volume: "coreops-guest-abc.qcow2",
  boot: {
    method: "direct-kernel",
    kernel: "/var/lib/core-ops-verify/images/abc/vmlinuz",
    initrd: "/var/lib/core-ops-verify/images/abc/initrd.img",
    cmdline: "root=/dev/vda rw console=ttyS0,115200n8 quiet",
  },
  network: { mode: "user-restricted" },
  ignition: { delivery: "fw_cfg", max_spec_version: "3.3.0" },
  ssh_user: "core",
  admin_group: "sudo",
  local_container_images: ["localhost/busybox:latest"],
  packages: {},
  created_at: "2026-11-29T09:00:00Z",
});

const fcos: ImageDescriptor = ImageDescriptorSchema.parse({
  schema_version: 1,
  name: "fedora-coreos-stable",
  recipe_hash: null,
  volume: "fedora-coreos-42.qcow2",
  boot: { method: "bootloader" },
  network: { mode: "bridge", bridge: "br0" },
  ignition: { delivery: "fw_cfg", max_spec_version: "3.5.0" },
  ssh_user: "core",
  admin_group: "wheel",
  local_container_images: [],
  packages: {},
  created_at: "2026-11-29T09:00:00Z",
});

const owner = { run_id: "r1", host: "h", pid: 42, pid_start: "1234", started_at: "2026-11-29T10:00:00Z" };

function params(overrides: Partial<DomainParams> = {}): DomainParams {
  return {
    name: "coreops-verify-r1",
    domainType: "qemu",
    vcpus: 2,
    memoryMiB: 1024,
    descriptor: local,
    pool: "core-ops-verify",
    volume: "coreops-verify-r1.qcow2",
    consolePath: "/var/lib/core-ops-verify/runs/r1/console.log",
    ignitionPath: "/var/lib/core-ops-verify/runs/r1/config.ign",
    sshPort: 40022,
    owner,
    ...overrides,
  };
}

describe("buildDomainXml for the local image (direct kernel, restricted user network)", () => {
  const xml = buildDomainXml(params({ deliveryDiskPath: "/var/lib/core-ops-verify/delivery/d.img" }));

  it("boots the descriptor's kernel and initrd with its command line, plus the TCG arguments, on q35 under TCG", () => {
    expect(xml).toContain("<domain type='qemu'");
    expect(xml).toContain("<type arch='x86_64' machine='q35'>hvm</type>");
    expect(xml).toContain("<kernel>/var/lib/core-ops-verify/images/abc/vmlinuz</kernel>");
    expect(xml).toContain("<initrd>/var/lib/core-ops-verify/images/abc/initrd.img</initrd>");
    expect(xml).toContain(
      "<cmdline>root=/dev/vda rw console=ttyS0,115200n8 quiet cgroup.memory=nokmem</cmdline>",
    );
    expect(xml).toContain("<model fallback='allow'>qemu64</model>");
    expect(xml).toContain("<tcg><tb-cache unit='MiB'>256</tb-cache></tcg>");
    expect(xml).toContain("<memory unit='MiB'>1024</memory>");
    expect(xml).toContain("<vcpu>2</vcpu>");
    expect(xml).not.toContain("<interface");
  });

  it("passes Ignition through fw_cfg and forwards SSH to loopback only, with restrict=on", () => {
    expect(qemuArgs(params())).toEqual([
      "-fw_cfg",
      "name=opt/com.coreos/config,file=/var/lib/core-ops-verify/runs/r1/config.ign",
      "-netdev",
      "user,id=coreopsnet0,restrict=on,hostfwd=tcp:127.0.0.1:40022-:22",
      "-device",
      "virtio-net-pci,netdev=coreopsnet0,addr=0x10",
    ]);
  });

  it("boots the overlay volume and attaches the delivery disk read-only without relabelling", () => {
    expect(xml).toContain("<source pool='core-ops-verify' volume='coreops-verify-r1.qcow2'/>");
    expect(xml).toMatch(
      /<source file='\/var\/lib\/core-ops-verify\/delivery\/d.img'><seclabel model='dac' relabel='no'\/><\/source>[\s\S]*<readonly\/>/,
    );
  });

  it("logs the serial console to a file and carries the owner metadata", () => {
    expect(xml).toContain(
      "<serial type='file'><source path='/var/lib/core-ops-verify/runs/r1/console.log'/><target port='0'/></serial>",
    );
    expect(parseOwnerMetadata(xml)).toEqual(owner);
  });

  it("appends extra kernel arguments and uses host-passthrough under KVM", () => {
    const kvm = buildDomainXml(params({ domainType: "kvm", extraCmdline: "systemd.show_status=0" }));
    expect(kvm).toContain(
      "<cmdline>root=/dev/vda rw console=ttyS0,115200n8 quiet systemd.show_status=0</cmdline>",
    );
    expect(kvm).toContain("<cpu mode='host-passthrough'/>");
    expect(kvm).not.toContain("<tcg>");
    expect(kvm).not.toContain("nokmem");
  });

  it("refuses a restricted user network without a port", () => {
    expect(() => buildDomainXml(params({ sshPort: undefined }))).toThrow(/SSH port/);
  });

  it("escapes XML and QEMU option commas in paths", () => {
    const odd = buildDomainXml(params({ ignitionPath: "/tmp/a,b&c/config.ign" }));
    expect(odd).toContain("name=opt/com.coreos/config,file=/tmp/a,,b&amp;c/config.ign");
  });
});

describe("buildDomainXml for a Fedora CoreOS descriptor (bootloader, bridge)", () => {
  const xml = buildDomainXml(
    params({ descriptor: fcos, sshPort: undefined, volume: "coreops-verify-r1.qcow2" }),
  );

  it("boots from disk and attaches a virtio NIC to the named bridge, with no user network", () => {
    expect(xml).toContain("<boot dev='hd'/>");
    expect(xml).not.toContain("<kernel>");
    expect(xml).toContain(
      "<interface type='bridge'>\n      <source bridge='br0'/>\n      <model type='virtio'/>",
    );
    expect(xml).not.toContain("-netdev");
    expect(xml).toContain(
      "<qemu:arg value='name=opt/com.coreos/config,file=/var/lib/core-ops-verify/runs/r1/config.ign'/>",
    );
  });

  it("uses EFI firmware when the descriptor says so", () => {
    const efi = ImageDescriptorSchema.parse({ ...fcos, boot: { method: "bootloader", firmware: "efi" } });
    expect(buildDomainXml(params({ descriptor: efi }))).toContain("<os firmware='efi'>");
  });

  it("names the missing bridge", () => {
    const broken = { ...fcos, network: { mode: "bridge" as const } };
    expect(() => buildDomainXml(params({ descriptor: broken }))).toThrow(/network.bridge is missing/);
  });
});

// The whole document, byte for byte: a refactoring of buildDomainXml must not change one character.
describe("buildDomainXml golden documents", () => {
  it("renders the local image with every option set exactly as before", () => {
    const xml = buildDomainXml(
      params({
        deliveryDiskPath: "/var/lib/core-ops-verify/delivery/d'1.img",
        extraCmdline: "systemd.show_status=0",
        tcgCpuModel: "max",
        tbCacheMiB: 128,
      }),
    );
    expect(xml).toBe(`<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>coreops-verify-r1</name>
  <metadata><cov:owner xmlns:cov="https://core-ops.dev/verify/owner/1"><cov:run_id>r1</cov:run_id><cov:host>h</cov:host><cov:pid>42</cov:pid><cov:pid_start>1234</cov:pid_start><cov:started_at>2026-11-29T10:00:00Z</cov:started_at></cov:owner></metadata>
  <memory unit='MiB'>1024</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>/var/lib/core-ops-verify/images/abc/vmlinuz</kernel>
    <initrd>/var/lib/core-ops-verify/images/abc/initrd.img</initrd>
    <cmdline>root=/dev/vda rw console=ttyS0,115200n8 quiet cgroup.memory=nokmem systemd.show_status=0</cmdline>
  </os>
  <features><acpi/>
    <tcg><tb-cache unit='MiB'>128</tb-cache></tcg>
  </features>
  <cpu mode='custom' match='exact'><model fallback='allow'>max</model></cpu>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='core-ops-verify' volume='coreops-verify-r1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/core-ops-verify/delivery/d&apos;1.img'><seclabel model='dac' relabel='no'/></source>
      <target dev='vdb' bus='virtio'/>
      <serial>coreops-delivery</serial>
      <readonly/>
    </disk>
    <serial type='file'><source path='/var/lib/core-ops-verify/runs/r1/console.log'/><target port='0'/></serial>
    <console type='file'><source path='/var/lib/core-ops-verify/runs/r1/console.log'/><target type='serial' port='0'/></console>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-fw_cfg'/>
    <qemu:arg value='name=opt/com.coreos/config,file=/var/lib/core-ops-verify/runs/r1/config.ign'/>
    <qemu:arg value='-netdev'/>
    <qemu:arg value='user,id=coreopsnet0,restrict=on,hostfwd=tcp:127.0.0.1:40022-:22'/>
    <qemu:arg value='-device'/>
    <qemu:arg value='virtio-net-pci,netdev=coreopsnet0,addr=0x10'/>
  </qemu:commandline>
</domain>
`);
  });

  it("renders an EFI Fedora CoreOS image on a bridge under KVM exactly as before", () => {
    const efi = ImageDescriptorSchema.parse({ ...fcos, boot: { method: "bootloader", firmware: "efi" } });
    const xml = buildDomainXml(params({ domainType: "kvm", descriptor: efi, sshPort: undefined }));
    expect(xml).toBe(`<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>coreops-verify-r1</name>
  <metadata><cov:owner xmlns:cov="https://core-ops.dev/verify/owner/1"><cov:run_id>r1</cov:run_id><cov:host>h</cov:host><cov:pid>42</cov:pid><cov:pid_start>1234</cov:pid_start><cov:started_at>2026-11-29T10:00:00Z</cov:started_at></cov:owner></metadata>
  <memory unit='MiB'>1024</memory>
  <vcpu>2</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features><acpi/>
  </features>
  <cpu mode='host-passthrough'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='core-ops-verify' volume='coreops-verify-r1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'><source path='/var/lib/core-ops-verify/runs/r1/console.log'/><target port='0'/></serial>
    <console type='file'><source path='/var/lib/core-ops-verify/runs/r1/console.log'/><target type='serial' port='0'/></console>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-fw_cfg'/>
    <qemu:arg value='name=opt/com.coreos/config,file=/var/lib/core-ops-verify/runs/r1/config.ign'/>
  </qemu:commandline>
</domain>
`);
  });
});
