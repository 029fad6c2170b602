import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startedFakeMachine } from "./test-support/fake-machine.js";
import { FakeVirsh } from "./test-support/fake-virsh.js";

const work = mkdtempSync(join(tmpdir(), "libvirt-machine-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("LibvirtMachine teardown", () => {
  it("is one operation however many callers ask for it at once", async () => {
    const virsh = new FakeVirsh();
    virsh.delays.destroy = 50;
    const machine = await startedFakeMachine(virsh, work, "teardown-once");
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
