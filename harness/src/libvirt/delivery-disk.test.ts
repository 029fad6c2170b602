import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  deliveryContentHash,
  ensureDeliveryDisk,
  pruneDeliveryDisks,
  validateDeliveries,
} from "./delivery-disk.js";

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "delivery-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("delivery disks", () => {
  it("hashes content independent of order and sensitive to bytes and names", () => {
    const dir = temp();
    writeFileSync(join(dir, "a"), "one");
    writeFileSync(join(dir, "b"), "two");
    const ab = deliveryContentHash([
      { name: "a", hostPath: join(dir, "a") },
      { name: "b", hostPath: join(dir, "b") },
    ]);
    const ba = deliveryContentHash([
      { name: "b", hostPath: join(dir, "b") },
      { name: "a", hostPath: join(dir, "a") },
    ]);
    expect(ab).toEqual(ba);
    expect(deliveryContentHash([{ name: "c", hostPath: join(dir, "a") }]).hash).not.toBe(
      deliveryContentHash([{ name: "a", hostPath: join(dir, "a") }]).hash,
    );
    writeFileSync(join(dir, "a"), "ONE");
    expect(
      deliveryContentHash([
        { name: "a", hostPath: join(dir, "a") },
        { name: "b", hostPath: join(dir, "b") },
      ]).hash,
    ).not.toBe(ab.hash);
  });

  it("rejects names that are not plain path components, duplicates and missing files", () => {
    const dir = temp();
    writeFileSync(join(dir, "f"), "x");
    expect(() => validateDeliveries([{ name: "../x", hostPath: join(dir, "f") }])).toThrow(/must match/);
    expect(() =>
      validateDeliveries([
        { name: "f", hostPath: join(dir, "f") },
        { name: "f", hostPath: join(dir, "f") },
      ]),
    ).toThrow(/twice/);
    expect(() => validateDeliveries([{ name: "g", hostPath: join(dir, "nope") }])).toThrow(/does not exist/);
  });

  it("builds an ext4 image with the files once and reuses it (real mke2fs, read back with debugfs)", async () => {
    const dir = temp();
    writeFileSync(join(dir, "core-ops"), "#!/bin/sh\necho agent\n", { mode: 0o755 });
    mkdirSync(join(dir, "repo"));
    writeFileSync(join(dir, "repo", "host.yaml"), "host: h\n");
    const deliveries = [
      { name: "core-ops", hostPath: join(dir, "core-ops") },
      { name: "repo", hostPath: join(dir, "repo") },
    ];
    const cache = join(dir, "cache");
    const first = await ensureDeliveryDisk(deliveries, cache);
    expect(first.built).toBe(true);
    expect(statSync(first.path).mode & 0o777).toBe(0o644);
    const second = await ensureDeliveryDisk(deliveries, cache);
    expect(second).toEqual({ ...first, built: false });
    const cat = execFileSync("debugfs", ["-R", "cat /core-ops", first.path], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    expect(cat.toString()).toBe("#!/bin/sh\necho agent\n");
    const stat = execFileSync("debugfs", ["-R", "stat /core-ops", first.path], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    expect(stat.toString()).toMatch(/Mode:\s+0755/);
    const label = execFileSync("dumpe2fs", ["-h", first.path], {
      stdio: ["ignore", "pipe", "ignore"],
    }).toString();
    expect(label).toMatch(/Filesystem volume name:\s+coreops-delivery/);
    expect(label).not.toMatch(/has_journal/);
    const repo = execFileSync("debugfs", ["-R", "cat /repo/host.yaml", first.path], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    expect(repo.toString()).toBe("host: h\n");
  });
});

describe("pruneDeliveryDisks", () => {
  it("keeps the most recently used disks and any used within the last hour", () => {
    const dir = temp();
    const now = Date.now();
    const disk = (i: number, ageMs: number) => {
      const path = join(dir, `${i.toString(16).padStart(32, "0")}.img`);
      writeFileSync(path, "x");
      const t = new Date(now - ageMs);
      utimesSync(path, t, t);
      return path;
    };
    const fresh = disk(1, 60_000);
    const twoHours = disk(2, 2 * 3_600_000);
    const threeHours = disk(3, 3 * 3_600_000);
    const halfHour = disk(4, 30 * 60_000);
    const fortyMinutes = disk(5, 40 * 60_000);
    writeFileSync(join(dir, "not-a-disk.txt"), "x");
    // keep 2 (fresh, halfHour); fortyMinutes is beyond the count but used within the hour.
    const removed = pruneDeliveryDisks(dir, 2, 3_600_000, now);
    expect(removed).toEqual([twoHours, threeHours]);
    expect([fresh, halfHour, fortyMinutes].every((p) => existsSync(p))).toBe(true);
    expect(existsSync(join(dir, "not-a-disk.txt"))).toBe(true);
  });
});
