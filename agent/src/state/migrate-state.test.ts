/**
 * Upgrades keep their state: a state directory written by core-ops 0.2.0 (test-support/state-0.2.0, made
 * by its generate.sh with the 0.2.0 CLI: three revisions applied, then a rollback to v2) is migrated —
 * hold, inventory and every snapshot kept — and every snapshot still rolls back, through the real CLI.
 */
import { copyFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Fixture } from "../cli/test-support/cli-fixture.js";
import type { StatusView } from "../views/status-view.js";
import { hasObject, objectsDirFor } from "./content-store.js";
import { migrateStateDir } from "./migrate-state.js";
import { readSnapshots, referencedDigests, snapshotsPathFor } from "./snapshots.js";
import { readStatus } from "./status.js";

const FIXTURE = join(import.meta.dirname, "test-support", "state-0.2.0");
const REVS = Object.fromEntries(
  readFileSync(join(FIXTURE, "revisions.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" ").reverse() as [string, string]),
) as Record<"v1" | "v2" | "v3", string>;
const v1Status = JSON.parse(readFileSync(join(FIXTURE, "status.json"), "utf8"));
const v1Snapshots = JSON.parse(readFileSync(join(FIXTURE, "snapshots.json"), "utf8"));

const fixtures: Fixture[] = [];
afterAll(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

function stateDirFrom020(): Fixture {
  const f = new Fixture();
  fixtures.push(f);
  mkdirSync(join(f.dir, "state"), { recursive: true });
  copyFileSync(join(FIXTURE, "status.json"), f.stateFile);
  copyFileSync(join(FIXTURE, "snapshots.json"), snapshotsPathFor(f.stateFile));
  return f;
}

/** blob.bin of revision n as generate.sh wrote it: 256 bytes of octal 30n, then 00 ff fe and the digit. */
function blob(n: number): Buffer {
  return Buffer.concat([Buffer.alloc(256, 0o300 + n), Buffer.from([0, 0xff, 0xfe]), Buffer.from(String(n))]);
}

describe("a state directory written by 0.2.0", () => {
  it("is the format this test claims (schema_version 1, inline base64, a hold, three snapshots)", () => {
    expect(v1Status.schema_version).toBe(1);
    expect(v1Snapshots.schema_version).toBe(1);
    expect(v1Snapshots.snapshots.map((s: { revision: string }) => s.revision)).toEqual([
      REVS.v2,
      REVS.v3,
      REVS.v1,
    ]);
    expect(v1Status.hold).toMatchObject({ held: true, rolled_back_from: REVS.v3 });
  });

  it("status reads it through its migration: present, with hold and inventory (not absent)", () => {
    const f = stateDirFrom020();
    const r = f.run(["status", "--json", "--state-file", f.stateFile]);
    expect(r.status, r.stderr).toBe(0);
    const view = JSON.parse(r.stdout) as StatusView;
    expect(view.status).toBe("present");
    expect(view.migrated_from).toBe(1);
    expect(view.snapshot?.hold).toEqual(v1Status.hold);
    expect(view.snapshot?.inventory).toEqual(v1Status.inventory);
    expect(view.snapshot?.reconciliation).toEqual(v1Status.reconciliation);
    const human = f.run(["status", "--state-file", f.stateFile]);
    expect(human.stdout).toContain("written with schema_version 1");
    expect(human.stdout).toContain(`rolled back from ${REVS.v3.slice(0, 8)}`);
  });

  it("migrates in place: contents into the store, snapshots and status.json to schema_version 2, all kept", async () => {
    const f = stateDirFrom020();
    const { notes } = await migrateStateDir(f.stateFile);
    expect(notes.join("\n")).toMatch(/snapshots migrated .*3 kept/);
    expect(notes.join("\n")).toMatch(/status.json migrated from schema_version 1 to 2/);
    const status = await readStatus(f.stateFile);
    expect(status.kind).toBe("ok");
    if (status.kind !== "ok") return;
    expect(status.migratedFrom).toBeNull();
    expect(JSON.parse(readFileSync(f.stateFile, "utf8")).schema_version).toBe(2);
    expect(statSync(f.stateFile).mode & 0o777).toBe(0o600);
    const { schema_version: _a, controller: _b, ...keptNow } = status.status;
    const { schema_version: _c, controller: _d, ...kept020 } = v1Status;
    expect(keptNow).toEqual(kept020);
    const snaps = readSnapshots(snapshotsPathFor(f.stateFile));
    expect(snaps.kind).toBe("ok");
    if (snaps.kind !== "ok") return;
    expect(snaps.legacy).toBeNull();
    expect(snaps.file.schema_version).toBe(2);
    expect(snaps.file.snapshots.map((s) => s.revision)).toEqual([REVS.v2, REVS.v3, REVS.v1]);
    const objects = objectsDirFor(f.stateFile);
    for (const d of referencedDigests(snaps.file)) expect(hasObject(objects, d)).toBe(true);
    // Migrating again is a no-op.
    expect((await migrateStateDir(f.stateFile)).notes).toEqual([]);
  });

  it("every 0.2.0 snapshot still rolls back byte for byte, and the first writing run migrates the directory", () => {
    const f = stateDirFrom020();
    for (const [n, rev] of [
      [1, REVS.v1],
      [3, REVS.v3],
      [2, REVS.v2],
    ] as const) {
      const r = f.run(["apply", ...f.args(["--rollback-to", rev, "--json"])]);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).outcome).toBe("converged");
      expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe(`VERSION=${n}\n`);
      expect(readFileSync(join(f.root, "etc/web/site.conf"), "utf8")).toBe(`listen=8${n}\n`);
      expect(readFileSync(join(f.root, "etc/web/blob.bin")).equals(blob(n))).toBe(true);
    }
    const onDisk = JSON.parse(readFileSync(snapshotsPathFor(f.stateFile), "utf8"));
    expect(onDisk.schema_version).toBe(2);
    expect(onDisk.snapshots.map((s: { revision: string }) => s.revision).sort()).toEqual(
      [REVS.v1, REVS.v2, REVS.v3].sort(),
    );
    expect(JSON.parse(readFileSync(f.stateFile, "utf8")).schema_version).toBe(2);
  });
});
