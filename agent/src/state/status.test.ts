import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_STATE_FILE,
  neverRunReconciliation,
  readStatus,
  resolveStateFile,
  type Status,
  StatusSchema,
  writeStatusAtomic,
} from "./status.js";

const REV = "454ac5f1aa00bb11cc22dd33ee44ff5566778899";
const REV2 = "221145e6aa00bb11cc22dd33ee44ff5566778899";

function sample(): Status {
  return {
    schema_version: 2,
    controller: { version: "0.1.0", revision: "abc", build_time: null, tree_state: "clean" },
    desired_state: {
      repository: "file:///srv/repo",
      requested_ref: "demo-uat-v1",
      last_observed_revision: REV,
      last_observed_at: "2026-11-29T09:00:00Z",
    },
    reconciliation: neverRunReconciliation(),
    hold: null,
    inventory: [],
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "status-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("status.json", () => {
  it("resolves --state-file, then CORE_OPS_STATE_FILE, then the default", () => {
    expect(resolveStateFile("/a", { CORE_OPS_STATE_FILE: "/b" })).toBe("/a");
    expect(resolveStateFile(undefined, { CORE_OPS_STATE_FILE: "/b" })).toBe("/b");
    expect(resolveStateFile(undefined, {})).toBe(DEFAULT_STATE_FILE);
  });

  it("round-trips through an atomic write and leaves no temp file", async () => {
    const path = join(dir, "sub", "status.json");
    await writeStatusAtomic(path, sample());
    const read = await readStatus(path);
    expect(read.kind).toBe("ok");
    if (read.kind === "ok") expect(read.status).toEqual(sample());
    expect(await readdir(join(dir, "sub"))).toEqual(["status.json"]);
    expect((await readFile(path, "utf8")).endsWith("}\n")).toBe(true);
  });

  it("reports a missing file as absent", async () => {
    expect((await readStatus(join(dir, "nope.json"))).kind).toBe("absent");
  });

  it("reports partial, malformed and unsupported files as invalid with a reason", async () => {
    const path = join(dir, "status.json");
    const full = JSON.stringify(sample());
    await writeFile(path, full.slice(0, full.length / 2));
    let read = await readStatus(path);
    expect(read).toMatchObject({ kind: "invalid", unsupported: false });
    if (read.kind === "invalid") expect(read.reason).toMatch(/not valid JSON/);

    await writeFile(path, JSON.stringify({ ...sample(), schema_version: 3 }));
    read = await readStatus(path);
    expect(read).toMatchObject({ kind: "invalid", unsupported: true });
    if (read.kind === "invalid") expect(read.reason).toMatch(/unsupported schema_version 3/);

    const { inventory: _dropped, ...partial } = sample();
    await writeFile(path, JSON.stringify(partial));
    read = await readStatus(path);
    expect(read.kind).toBe("invalid");
    if (read.kind === "invalid") expect(read.reason).toMatch(/inventory/);

    await writeFile(path, "");
    expect(await readStatus(path)).toMatchObject({ kind: "invalid", reason: "file is empty" });
  });

  it("enforces the lifecycle rules of the reconciliation block", () => {
    const bad = sample();
    bad.reconciliation = { ...neverRunReconciliation(), status: "success", generation: 1 };
    const r = StatusSchema.safeParse(bad);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => i.message).join("\n")).toMatch(/success requires/);

    const ok = sample();
    ok.reconciliation = {
      generation: 2,
      status: "success",
      running: false,
      last_attempted_revision: REV2,
      last_applied_revision: REV2,
      last_started_at: "2026-11-29T09:00:00Z",
      last_finished_at: "2026-11-29T09:00:05Z",
    };
    expect(StatusSchema.safeParse(ok).success).toBe(true);

    const neverRun = sample();
    neverRun.reconciliation = { ...neverRunReconciliation(), last_applied_revision: REV };
    expect(StatusSchema.safeParse(neverRun).success).toBe(false);
  });

  it("rejects an unsorted inventory and refuses to write an invalid status", async () => {
    const s = sample();
    const obj = (id: string) => ({
      id,
      kind: "quadlet_resource" as const,
      unit: "x.service",
      digest: `sha256:${"0".repeat(64)}`,
      files: [],
    });
    s.inventory = [obj("b"), obj("a")];
    await expect(writeStatusAtomic(join(dir, "status.json"), s)).rejects.toThrow(/sorted by id/);
    expect(await readdir(dir)).toEqual([]);
  });
});
