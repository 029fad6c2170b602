import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executePlan } from "../apply/executor.js";
import type { ApplyObject } from "../apply/model.js";
import { NodeHostFs } from "../effects/host-fs.js";
import { OfflineSystemd } from "../effects/offline-systemd.js";
import { CoreOpsError } from "../errors.js";
import { backupDirFor, checkBackupDir, readBackupIndex, saveBackup } from "./backups.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "core-ops-backups-"));
  dirs.push(d);
  return d;
}
const item = (path: string, text: string) => ({
  path,
  reason: "edited" as const,
  kind: "file" as const,
  bytes: Buffer.from(text),
  mode: 0o644,
  uid: 0,
  gid: 0,
});

describe("backup store", () => {
  it("lives next to the state file", () => {
    expect(backupDirFor("/var/lib/core-ops/status.json")).toBe("/var/lib/core-ops/backup");
  });

  it("is bounded by entries and bytes, oldest first, the newest always kept, every file 0600", () => {
    const dir = join(tmp(), "backup");
    const t = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s));
    for (let i = 0; i < 5; i++)
      saveBackup(dir, item(`/etc/f${i}`, `v${i}`), t(i), { entries: 3, bytes: 1000 });
    let read = readBackupIndex(dir);
    expect(read.kind === "ok" ? read.index.entries.map((e) => e.path) : []).toEqual([
      "/etc/f2",
      "/etc/f3",
      "/etc/f4",
    ]);
    expect(readdirSync(dir).filter((n) => n.endsWith(".bak"))).toHaveLength(3);
    for (const n of readdirSync(dir)) expect(statSync(join(dir, n)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    saveBackup(dir, item("/etc/big", "x".repeat(2000)), t(9), { entries: 3, bytes: 1000 });
    read = readBackupIndex(dir);
    expect(read.kind === "ok" ? read.index.entries.map((e) => e.path) : []).toEqual(["/etc/big"]);
  });

  it("refuses a directory systemd or Podman reads", () => {
    for (const bad of [
      "/etc/systemd/system/core-ops/backup",
      "/etc/containers/systemd/x",
      "/var/lib/a.d/backup",
    ])
      expect(() => checkBackupDir(bad, [])).toThrow(CoreOpsError);
    expect(() => checkBackupDir("/srv/root/etc/qd/backup", ["/srv/root/etc/qd"])).toThrow(
      /systemd or Podman/,
    );
    expect(() => checkBackupDir("/var/lib/core-ops/backup", ["/etc/containers/systemd"])).not.toThrow();
  });

  it("a backup that cannot be saved leaves the host file alone", async () => {
    const root = tmp();
    const fs = new NodeHostFs(root);
    fs.writeAtomic("/etc/app.conf", Buffer.from("someone else's\n"), 0o644, -1, -1);
    const o: ApplyObject = {
      id: "file//etc/app.conf",
      kind: "rendered_artifact",
      unit: null,
      previousUnit: null,
      action: "replace",
      files: [
        {
          path: "/etc/app.conf",
          content: Buffer.from("desired\n"),
          mode: 0o644,
          owner: "root",
          group: "root",
          unitFile: false,
        },
      ],
      removePaths: [],
      prerequisites: [],
      install: null,
      activation: "none",
      expectation: "none",
      socketUnit: null,
      automountUnit: null,
      mount: null,
      toleratedVariance: false,
      hostFiles: { "/etc/app.conf": { owned: false, appliedDigest: null } },
      blockedBy: null,
      containerName: null,
    };
    const backups = {
      dir: "/nowhere",
      save: () => {
        throw new Error("disk full");
      },
    };
    const result = await executePlan(
      [o],
      { fs, systemd: new OfflineSystemd(fs, "/etc/systemd/system"), dryRun: null, backups },
      {
        noReload: true,
        retryBudget: 1,
        activationTimeoutMs: 0,
        settleMs: 0,
        systemdUnitDir: "/etc/systemd/system",
      },
    );
    expect(readFileSync(join(root, "etc/app.conf"), "utf8")).toBe("someone else's\n");
    expect(result.objects[0]?.failure?.reason).toBe("backup_failed");
    expect(result.convergence.status).not.toBe("success");
  });
});
