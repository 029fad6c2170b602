/**
 * Child process of teardown-on-signal.test.ts: boots a machine on the in-memory libvirt, starts tearing it
 * down itself (as the scenario executor does at the end of a run) with a slow `virsh destroy`, and logs each
 * virsh call as it completes to argv[3]. The parent interrupts it during that teardown.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { ImageDescriptorSchema } from "../../guest-image/descriptor.js";
import { generateRunSecrets } from "../../ignition/run-secrets.js";
import { LibvirtMachine } from "../libvirt-machine.js";
import type { VirshResult } from "../virsh.js";
import { FakeVirsh } from "./fake-virsh.js";

const [work = "", callLog = ""] = process.argv.slice(2);
const virsh = new FakeVirsh();
virsh.delays.destroy = 1_500;
const run = virsh.run.bind(virsh);
virsh.run = async (args: readonly string[]): Promise<VirshResult> => {
  const result = await run(args);
  appendFileSync(callLog, `${args.join(" ")} -> ${result.exitCode}\n`);
  return result;
};
const runId = `interrupt-${process.pid}`;
const machine = await LibvirtMachine.create(
  {
    virsh,
    pool: "core-ops-verify",
    stateDir: join(work, "state"),
    descriptor: ImageDescriptorSchema.parse({
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
    }),
    domainType: "qemu",
    allowArpFallback: false,
    log: (line) => process.stderr.write(`${line}\n`),
  },
  {
    runId,
    vcpus: 1,
    memoryMiB: 256,
    runDir: join(work, "run"),
    deliveries: [],
    secrets: generateRunSecrets(runId),
  },
);
await machine.start();
process.stdout.write(`tearing down ${machine.name}\n`);
await machine.destroy();
process.stdout.write("teardown finished\n");
