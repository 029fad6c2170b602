/**
 * The orphan sweep against real libvirt (no guest is started): a defined domain + overlay + run directory
 * whose owner process is dead are removed; the same set owned by a live process (this one) is kept.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveBaseImage } from "./base-image.js";
import { resolveConnection } from "./connection.js";
import { buildDomainXml } from "./domain-xml.js";
import { domainName, overlayVolumeName } from "./naming.js";
import { sweepOrphans } from "./orphan-sweep.js";
import { currentOwner, type Owner } from "./owner.js";
import { createRunDir, runFiles } from "./run-files.js";
import { execaVirsh } from "./virsh.js";

const settings = resolveConnection();
const virsh = execaVirsh(settings.uri);
const runsDir = join(settings.stateDir, "runs");
const scratch = mkdtempSync(join(tmpdir(), "sweep-"));
const dead = `sweep-dead-${process.pid}`;
const live = `sweep-live-${process.pid}`;

function deadPid(): number {
  // A process that has exited: its pid (and start time) no longer name a running process.
  return Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
}

async function leave(runId: string, owner: Owner): Promise<void> {
  const { descriptor } = resolveBaseImage(settings);
  const files = runFiles(runsDir, runId);
  createRunDir(files, owner);
  await virsh.run([
    "vol-create-as",
    settings.pool,
    overlayVolumeName(runId),
    "1G",
    "--format",
    "qcow2",
    "--backing-vol",
    descriptor.volume,
    "--backing-vol-format",
    descriptor.volume_format,
  ]);
  const xml = buildDomainXml({
    name: domainName(runId),
    domainType: "qemu",
    vcpus: 1,
    memoryMiB: 512,
    descriptor,
    pool: settings.pool,
    volume: overlayVolumeName(runId),
    consolePath: files.console,
    ignitionPath: files.ignition,
    sshPort: 1,
    owner,
  });
  const path = join(scratch, `${runId}.xml`);
  execFileSync("sh", ["-c", `cat > ${path}`], { input: xml });
  await virsh.run(["define", path], { timeoutMs: 300_000 });
}

afterAll(async () => {
  for (const runId of [dead, live]) {
    await virsh.run(["undefine", domainName(runId)], { allowFailure: true });
    await virsh.run(["vol-delete", overlayVolumeName(runId), "--pool", settings.pool], {
      allowFailure: true,
    });
    rmSync(join(runsDir, runId), { recursive: true, force: true });
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe("orphan sweep (real libvirt)", () => {
  it("removes a dead owner's domain, overlay and run dir and keeps a live owner's", async () => {
    await leave(dead, { ...currentOwner(dead), pid: deadPid(), pid_start: "1" });
    await leave(live, currentOwner(live));
    const report = await sweepOrphans(virsh, settings.pool, runsDir);
    expect(report.errors).toEqual([]);
    // Another process's sweep (e.g. a scenario run starting now) may have removed the dead owner's
    // leftovers first; either way they must be gone, and the live owner's must stay.
    expect(report.domains).not.toContain(domainName(live));
    expect(report.kept.map((k) => k.item)).toContain(`domain ${domainName(live)}`);
    const domains = (await virsh.run(["list", "--all", "--name"])).stdout;
    expect(domains).not.toContain(domainName(dead));
    expect(domains).toContain(domainName(live));
    const volumes = (await virsh.run(["vol-list", "--pool", settings.pool])).stdout;
    expect(volumes).not.toContain(overlayVolumeName(dead));
    expect(volumes).toContain(overlayVolumeName(live));
    expect(existsSync(join(runsDir, dead))).toBe(false);
    expect(existsSync(join(runsDir, live))).toBe(true);
  });
});
