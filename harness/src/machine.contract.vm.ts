/**
 * The machine layer's contract (ARCHITECTURE.md "Two layers and their seam"), against a real VM booted from
 * the local guest image: readiness accepted, exec as root over the pinned host key, Podman ≥ 5, a Quadlet
 * container from the image's local container images running as a service, TCG's kernel arguments in effect
 * (`TCG_KERNEL_ARGS`), the delivered file readable at its
 * fixed path, reboot with a new boot id, and a destroy that leaves nothing behind.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuestSession, HostKeyMismatchError } from "./guest/ssh-session.js";
import { generateKeyPair, generateRunSecrets } from "./ignition/run-secrets.js";
import { TCG_KERNEL_ARGS } from "./libvirt/domain-xml.js";
import { type LibvirtHypervisor, openHypervisor } from "./libvirt/hypervisor.js";
import type { LibvirtMachine } from "./libvirt/libvirt-machine.js";
import type { DestroyReport, ReadinessRecord } from "./machine.js";

const runId = `contract-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), "machine-contract-"));
const runDir = join(work, "run");
const log = (line: string) => process.stderr.write(`[contract] ${line}\n`);

// The agent binary when it has been built, else a file made for this test: either proves delivery.
const agentBinary = resolve(import.meta.dirname, "../../agent/dist/core-ops");
const deliveredHostPath = existsSync(agentBinary) ? agentBinary : join(work, "delivered.txt");
if (!existsSync(agentBinary)) writeFileSync(deliveredHostPath, `delivered for ${runId}\n`, { mode: 0o755 });
const deliveredName = "core-ops";

let hypervisor: LibvirtHypervisor;
let machine: LibvirtMachine;
let firstBoot: ReadinessRecord;
let destroyReport: DestroyReport | undefined;

function virsh(...args: string[]): string {
  return execFileSync("virsh", ["-c", hypervisor.uri, ...args], { encoding: "utf8" });
}

beforeAll(async () => {
  hypervisor = await openHypervisor({ log });
  log(
    `image ${hypervisor.image.name}, domain type ${hypervisor.domainType} (${hypervisor.domainTypeReason})`,
  );
  machine = await hypervisor.createLibvirtMachine({
    runId,
    vcpus: 2,
    memoryMiB: 1024,
    runDir,
    deliveries: [{ name: deliveredName, hostPath: deliveredHostPath }],
    secrets: generateRunSecrets(runId),
  });
});

afterAll(async () => {
  destroyReport ??= await machine?.destroy();
  rmSync(work, { recursive: true, force: true });
});

describe.sequential("Machine contract (libvirt, local guest image)", () => {
  it("boots and accepts this run's readiness record", async () => {
    await machine.start();
    firstBoot = await machine.waitReady();
    log(`timings ${JSON.stringify(machine.timings)}`);
    expect(firstBoot.run_id).toBe(runId);
    expect(firstBoot.boot_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(firstBoot.ip).toBe("10.0.2.15");
    const evidence = JSON.parse(readFileSync(join(runDir, "readiness-evidence.json"), "utf8"));
    expect(evidence.final_status).toBe("accepted");
    expect(evidence.accepted).toHaveLength(1);
    expect(evidence.accepted[0].token).toBe("[REDACTED]");
  });

  it("runs commands as root over SSH with the pinned per-run host key, and refuses any other key", async () => {
    const result = await machine.exec("id -u; cat /etc/ssh/ssh_host_ed25519_key.pub");
    expect(result.exitCode).toBe(0);
    const [uid, hostKeyLine] = result.stdout.split("\n");
    expect(uid).toBe("0");
    const knownHosts = /UserKnownHostsFile=(\S+)/.exec(machine.accessInfo().ssh)?.[1] ?? "";
    const [endpoint, type, blob] = readFileSync(knownHosts, "utf8").trim().split(" ");
    expect(hostKeyLine?.split(" ").slice(0, 2)).toEqual([type, blob]);
    const port = Number(/\]:(\d+)/.exec(endpoint ?? "")?.[1]);
    const keyFile = /-i (\S+)/.exec(machine.accessInfo().ssh)?.[1] ?? "";
    const impostor = {
      host: "127.0.0.1",
      port,
      username: "core",
      privateKey: readFileSync(keyFile, "utf8"),
      hostPublicKey: generateKeyPair("impostor").publicKey,
    };
    await expect(GuestSession.connect(impostor)).rejects.toBeInstanceOf(HostKeyMismatchError);
  });

  it("kills a command that outlives its timeout", async () => {
    const result = await machine.exec("sleep 60", { timeoutMs: 2_000 });
    expect(result.timedOut).toBe(true);
    const left = await machine.exec("pgrep -x sleep || true");
    expect(left.stdout.trim()).toBe("");
  });

  it("has Podman 5 or later", async () => {
    const result = await machine.exec("podman --version");
    expect(result.exitCode).toBe(0);
    const major = Number(/podman version (\d+)\./.exec(result.stdout)?.[1]);
    expect(major).toBeGreaterThanOrEqual(5);
  });

  it("charges no kernel memory to cgroups under TCG, and does under KVM (TCG_KERNEL_ARGS)", async () => {
    const result = await machine.exec(
      "cat /proc/cmdline; awk '$1 == \"slab\" { print $2 }' /sys/fs/cgroup/system.slice/memory.stat",
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const [cmdline, slab] = result.stdout.trim().split("\n");
    const tcg = hypervisor.domainType === "qemu";
    expect(cmdline?.split(" ").includes(TCG_KERNEL_ARGS)).toBe(tcg);
    // With kernel-memory accounting off, the slab memory of every service stays with the root cgroup.
    expect(Number(slab) === 0).toBe(tcg);
  });

  it("runs a Quadlet .container from the image's local container images as a service", async () => {
    const image = hypervisor.image.localContainerImages[0];
    expect(image, "the image descriptor lists no local container image").toBeDefined();
    const unit = [
      "[Unit]",
      "Description=machine contract quadlet",
      "[Container]",
      `Image=${image}`,
      'Exec=/bin/sh -c "echo contract-quadlet-up; exec sleep 3600"',
      "Network=none",
      "[Install]",
      "WantedBy=multi-user.target",
      "",
    ].join("\n");
    const write = await machine.exec(
      "mkdir -p /etc/containers/systemd && cat > /etc/containers/systemd/contract.container",
      {
        stdin: unit,
      },
    );
    expect(write.exitCode).toBe(0);
    const started = await machine.exec("systemctl daemon-reload && systemctl start contract.service", {
      timeoutMs: 180_000,
    });
    const why = started.exitCode === 0 ? "" : await machine.journal({ unit: "contract.service", lines: 60 });
    expect(started.exitCode, `${started.stderr}\n${why}`).toBe(0);
    const active = await machine.exec(
      "systemctl is-active contract.service; podman ps --format '{{.Names}}'",
    );
    expect(active.stdout).toContain("active\n");
    expect(active.stdout).toContain("systemd-contract");
    expect(await machine.journal({ unit: "contract.service" })).toContain("contract-quadlet-up");
  });

  it("has the delivered file at its fixed path, byte-identical, on a read-only mount", async () => {
    const path = machine.deliveredPath(deliveredName);
    expect(path).toBe(`/run/core-ops-verify/delivery/${deliveredName}`);
    const result = await machine.exec(
      `sha256sum ${path} | cut -d' ' -f1; findmnt -no OPTIONS /run/core-ops-verify/delivery; test -x ${path} && echo executable`,
    );
    const [sum, options, executable] = result.stdout.trim().split("\n");
    const expected = createHash("sha256").update(readFileSync(deliveredHostPath)).digest("hex");
    expect(sum).toBe(expected);
    expect(options?.split(",")[0]).toBe("ro");
    expect(executable).toBe("executable");
  });

  it("reboots and returns with a new boot id", async () => {
    const record = await machine.reboot();
    expect(record.run_id).toBe(runId);
    expect(record.boot_id).not.toBe(firstBoot.boot_id);
    const result = await machine.exec("cat /proc/sys/kernel/random/boot_id");
    expect(result.stdout.trim()).toBe(record.boot_id);
    const evidence = JSON.parse(readFileSync(join(runDir, "readiness-evidence.json"), "utf8"));
    expect(evidence.accepted).toHaveLength(2);
  });

  it("destroys the domain, its overlay and per-run files, and keeps the console log", async () => {
    const started = performance.now();
    destroyReport = await machine.destroy();
    log(`teardown ${Math.round(performance.now() - started)} ms: ${JSON.stringify(destroyReport)}`);
    expect(destroyReport.errors).toEqual([]);
    expect(destroyReport.domainRemoved).toBe(true);
    expect(destroyReport.volumesRemoved).toEqual([`coreops-verify-${runId}.qcow2`]);
    expect(virsh("list", "--all", "--name")).not.toContain(machine.name);
    expect(virsh("vol-list", "--pool", hypervisor.settings.pool)).not.toContain(machine.name);
    expect(existsSync(join(hypervisor.runsDir, runId))).toBe(false);
    expect(machine.consolePath()).toBe(join(runDir, "console.log"));
    expect(readFileSync(machine.consolePath(), "utf8")).toContain("CORE_OPS_VERIFY_READY");
    expect(await machine.destroy()).toBe(destroyReport);
  });
});
