import { describe, expect, it } from "vitest";
import { removeDomain } from "./domain-ops.js";
import { FakeVirsh } from "./test-support/fake-virsh.js";

const BUSY = "error: Failed to terminate process 4242 with SIGKILL: Device or resource busy";

describe("removeDomain", () => {
  it("returns only once libvirt no longer knows the domain, also when the first destroy fails", async () => {
    const virsh = new FakeVirsh();
    virsh.domains.set("coreops-verify-x", { running: true, persistent: true });
    // QEMU is slow to die: destroy fails once; undefine then only makes the running domain transient.
    virsh.failures.destroy = [BUSY];
    expect(await removeDomain(virsh, "coreops-verify-x", { pauseMs: 1 })).toBe(true);
    expect(virsh.domains.has("coreops-verify-x")).toBe(false);
    // Asked again, it is gone and says it did not exist.
    expect(await removeDomain(virsh, "coreops-verify-x", { pauseMs: 1 })).toBe(false);
  });

  it("fails, naming the domain and libvirt's words, when it cannot be removed", async () => {
    const virsh = new FakeVirsh();
    virsh.domains.set("coreops-verify-stuck", { running: true, persistent: true });
    virsh.failures.destroy = [BUSY, BUSY, BUSY];
    await expect(removeDomain(virsh, "coreops-verify-stuck", { attempts: 3, pauseMs: 1 })).rejects.toThrow(
      /domain coreops-verify-stuck is still defined \(running\) after 3 rounds.*Device or resource busy/,
    );
  });
});
