/** A real `LibvirtMachine` on the in-memory libvirt (`FakeVirsh`), for unit tests of its lifecycle. */
import { join } from "node:path";
import { ImageDescriptorSchema } from "../../guest-image/descriptor.js";
import { generateRunSecrets } from "../../ignition/run-secrets.js";
import { LibvirtMachine } from "../libvirt-machine.js";
import type { FakeVirsh } from "./fake-virsh.js";

const descriptor = ImageDescriptorSchema.parse({
  schema_version: 1,
  name: "coreops-guest-test",
  recipe_hash: "abc",
  volume: "coreops-guest-abc.qcow2",
  boot: {
    method: "direct-kernel",
    kernel: "/nonexistent/vmlinuz",
    initrd: "/nonexistent/initrd.img",
    cmdline: "",
  },
  network: { mode: "user-restricted" },
  ignition: { delivery: "fw_cfg", max_spec_version: "3.3.0" },
  ssh_user: "core",
  admin_group: "sudo",
  local_container_images: [],
  packages: {},
  created_at: "2026-11-29T09:00:00Z",
});

/** Creates and starts a machine whose state and run directories live under `work`. */
export async function startedFakeMachine(
  virsh: FakeVirsh,
  work: string,
  runId: string,
  log: (line: string) => void = () => undefined,
): Promise<LibvirtMachine> {
  const machine = await LibvirtMachine.create(
    {
      virsh,
      pool: "core-ops-verify",
      stateDir: join(work, "state"),
      descriptor,
      domainType: "qemu",
      allowArpFallback: false,
      log,
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
