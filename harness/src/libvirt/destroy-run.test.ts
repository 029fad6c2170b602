import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DestroyRefused, destroyRun } from "./destroy-run.js";
import { type Owner, ownerMetadataXml } from "./owner.js";
import { markRetained } from "./retained.js";
import { FakeVirsh } from "./test-support/fake-virsh.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const owner = (pid: number): Owner => ({
  run_id: "r",
  host: "h",
  pid,
  pid_start: "1",
  started_at: "2026-11-30T10:00:00.000Z",
});
const alive = (o: Owner) => o.pid === 1;

function leave(virsh: FakeVirsh, runId: string, pid: number, retain: boolean): string {
  const runsDir = mkdtempSync(join(tmpdir(), "destroy-run-"));
  dirs.push(runsDir);
  const dir = join(runsDir, runId);
  mkdirSync(dir);
  writeFileSync(join(dir, "owner.json"), JSON.stringify(owner(pid)));
  if (retain) {
    markRetained(dir, {
      run_id: runId,
      domain: `coreops-verify-${runId}`,
      retained_at: "2026-11-30T11:00:00.000Z",
      ssh: "ssh core@127.0.0.1",
      virsh_console: "virsh console",
      console_path: "/c",
    });
  }
  const xml = join(runsDir, "d.xml");
  writeFileSync(
    xml,
    `<domain><name>coreops-verify-${runId}</name><metadata>${ownerMetadataXml(owner(pid))}</metadata></domain>`,
  );
  void virsh.run(["define", xml]);
  virsh.volumes.add(`coreops-verify-${runId}.qcow2`);
  return runsDir;
}

describe("destroyRun", () => {
  it("removes a retained run although its owner process is alive", async () => {
    const virsh = new FakeVirsh();
    const runsDir = leave(virsh, "kept", 1, true);
    const report = await destroyRun(virsh, "pool", runsDir, "kept", alive);
    expect(report).toEqual({
      run_id: "kept",
      domain_removed: true,
      volume_removed: true,
      run_dir_removed: true,
    });
    expect(virsh.domains.size).toBe(0);
    expect(virsh.volumes.size).toBe(0);
  });

  it("refuses a live sibling's run that is not retained, and touches nothing", async () => {
    const virsh = new FakeVirsh();
    const runsDir = leave(virsh, "live", 1, false);
    await expect(destroyRun(virsh, "pool", runsDir, "live", alive)).rejects.toThrow(
      /not retained and its owner pid 1 on h is alive/,
    );
    expect(virsh.domains.has("coreops-verify-live")).toBe(true);
  });

  it("removes a dead owner's run, refuses an unknown run and a run id that is a path", async () => {
    const virsh = new FakeVirsh();
    const runsDir = leave(virsh, "dead", 2, false);
    expect((await destroyRun(virsh, "pool", runsDir, "dead", alive)).domain_removed).toBe(true);
    await expect(destroyRun(virsh, "pool", runsDir, "nothing", alive)).rejects.toThrow(/no run nothing/);
    await expect(destroyRun(virsh, "pool", runsDir, "../etc", alive)).rejects.toBeInstanceOf(DestroyRefused);
  });
});
