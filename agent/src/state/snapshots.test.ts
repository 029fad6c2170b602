import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  findRollbackTarget,
  readSnapshots,
  retainSnapshot,
  type Snapshot,
  snapshotsPathFor,
} from "./snapshots.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function file(): string {
  const d = mkdtempSync(join(tmpdir(), "core-ops-snap-"));
  dirs.push(d);
  return snapshotsPathFor(join(d, "status.json"));
}
function objects(snapshotsPath: string): string {
  return join(dirname(snapshotsPath), "objects");
}
function snap(n: number, host = "h1"): Snapshot {
  return {
    revision: n.toString(16).padStart(40, "0"),
    host,
    repository: "file:///r",
    requested_ref: "main",
    applied_at: "2026-11-29T10:00:00Z",
    desired: {
      host,
      hostFile: `hosts/${host}/host.yaml`,
      services: [],
      units: [],
      companions: [],
      configs: [],
    },
  };
}

describe("retained snapshots", () => {
  it("lives next to status.json", () => {
    expect(snapshotsPathFor("/var/lib/core-ops/status.json")).toBe("/var/lib/core-ops/snapshots.json");
  });

  it("keeps the newest 10, most recent first, one per revision", () => {
    const path = file();
    for (let i = 1; i <= 12; i++) retainSnapshot(path, snap(i), objects(path));
    retainSnapshot(path, snap(5), objects(path));
    const read = readSnapshots(path);
    expect(read.kind).toBe("ok");
    const revs = read.kind === "ok" ? read.file.snapshots.map((s) => Number.parseInt(s.revision, 16)) : [];
    expect(revs).toEqual([5, 12, 11, 10, 9, 8, 7, 6, 4, 3]);
    expect(JSON.parse(readFileSync(path, "utf8")).schema_version).toBe(2);
  });

  it("finds a target by prefix and refuses missing, ambiguous and other-host targets", () => {
    const path = file();
    retainSnapshot(path, snap(0xabc1), objects(path));
    retainSnapshot(path, snap(0xabc2, "h2"), objects(path));
    expect(findRollbackTarget(path, snap(0xabc1).revision.slice(0, 40), "h1").snapshot.revision).toBe(
      snap(0xabc1).revision,
    );
    expect(() => findRollbackTarget(path, "1".repeat(40), "h1")).toThrow(
      /is missing_snapshot: no retained snapshot/,
    );
    expect(() => findRollbackTarget(path, snap(0xabc2).revision, "h1")).toThrow(
      /is incompatible_scope: .*host h2/,
    );
    expect(() => findRollbackTarget(path, "0000000", "h1")).toThrow(/ambiguous prefix/);
    expect(() => findRollbackTarget(path, "main", "h1")).toThrow(/not a commit id/);
  });

  it("reports a damaged file instead of treating it as empty", () => {
    const path = file();
    writeFileSync(path, '{"schema_version":1,"snapshots":[{"revision":');
    expect(readSnapshots(path).kind).toBe("invalid");
    expect(() => findRollbackTarget(path, "a".repeat(40), "h1")).toThrow(/is unreadable/);
  });
});
