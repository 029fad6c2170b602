import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ImageDescriptorSchema } from "../guest-image/descriptor.js";
import { generateRunSecrets } from "../ignition/run-secrets.js";
import { LibvirtMachine } from "./libvirt-machine.js";
import { FakeVirsh } from "./test-support/fake-virsh.js";

const work = mkdtempSync(join(tmpdir(), "libvirt-machine-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const descriptor = ImageDescriptorSchema.parse({
  schema_version: 1,
  name: "coreops-guest-test",
  recipe_hash: "abc",
  volume: "coreops-guest-abc.qcow2",
  boot: {
    method: "direct-kernel",
    kernel: "/nonexistent/vmlinuz",
    initrd: "/nonexistent/initrd.img",
    cmdline: "quiet",
  },
  network: { mode: "user-restricted" },
  ignition: { delivery: "fw_cfg", max_spec_version: "3.3.0" },
  ssh_user: "core",
  admin_group: "sudo",
  local_container_images: [],
  packages: {},
  created_at: "2026-11-29T09:00:00Z",
});

async function started(virsh: FakeVirsh, runId: string): Promise<LibvirtMachine> {
  const machine = await LibvirtMachine.create(
    {
      virsh,
      pool: "core-ops-verify",
      stateDir: join(work, "state"),
      descriptor,
      domainType: "qemu",
      allowArpFallback: false,
      log: () => undefined,
    },
    {
      runId,
      vcpus: 1,
      memoryMiB: 256,
      runDir: join(work, runId),
      deliveries: [],
      secrets: generateRunSecrets(runId),
    },
  );
  await machine.start();
  return machine;
}

describe("LibvirtMachine teardown", () => {
  it("is one operation however many callers ask for it at once", async () => {
    const virsh = new FakeVirsh();
    virsh.delays.destroy = 50;
    const machine = await started(virsh, "teardown-once");
    expect(virsh.domains.get(machine.name)?.running).toBe(true);
    // The executor and the signal handler (or a test fixture) tear down at the same moment.
    const [a, b] = await Promise.all([machine.destroy(), machine.destroy()]);
    expect(b).toBe(a);
    expect(a).toMatchObject({ domainRemoved: true, volumesRemoved: [`${machine.name}.qcow2`], errors: [] });
    expect(virsh.calls.filter((c) => c.startsWith("destroy ") || c.startsWith("undefine "))).toEqual([
      `destroy ${machine.name}`,
      `undefine ${machine.name} --nvram`,
    ]);
    expect(virsh.domains.has(machine.name)).toBe(false);
    expect(await machine.destroy()).toBe(a);
  });
});
