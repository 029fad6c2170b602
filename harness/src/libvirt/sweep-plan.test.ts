import { describe, expect, it } from "vitest";
import type { Owner } from "./owner.js";
import { planSweep } from "./sweep-plan.js";

const owner = (pid: number): Owner => ({ run_id: "x", host: "h", pid, pid_start: "1", started_at: "t" });
const alive = (o: Owner) => o.pid === 1;

describe("planSweep", () => {
  it("removes a dead owner's domain, overlay and run directory", () => {
    const plan = planSweep(
      {
        domains: [{ name: "coreops-verify-a", owner: owner(2) }],
        volumes: ["coreops-verify-a.qcow2", "base.qcow2"],
        runDirs: [{ runId: "a", owner: owner(2) }],
      },
      alive,
    );
    expect(plan).toEqual({
      domains: ["coreops-verify-a"],
      volumes: ["coreops-verify-a.qcow2"],
      runDirs: ["a"],
      kept: [],
    });
  });

  it("never touches a live sibling's machine", () => {
    const plan = planSweep(
      {
        domains: [{ name: "coreops-verify-b", owner: owner(1) }],
        volumes: ["coreops-verify-b.qcow2"],
        runDirs: [{ runId: "b", owner: owner(1) }],
      },
      alive,
    );
    expect(plan.domains).toEqual([]);
    expect(plan.volumes).toEqual([]);
    expect(plan.runDirs).toEqual([]);
    expect(plan.kept).toEqual([{ item: "domain coreops-verify-b", reason: "owner pid 1 on h is alive" }]);
  });

  it("keeps domains and volumes without an owner record, and ignores foreign names", () => {
    const plan = planSweep(
      {
        domains: [
          { name: "coreops-verify-c", owner: undefined },
          { name: "someone-else", owner: owner(2) },
        ],
        volumes: ["coreops-verify-d.qcow2"],
        runDirs: [],
      },
      alive,
    );
    expect(plan.domains).toEqual([]);
    expect(plan.volumes).toEqual([]);
    expect(plan.kept.map((k) => k.item)).toEqual([
      "domain coreops-verify-c",
      "volume coreops-verify-d.qcow2",
    ]);
  });

  it("removes a leaked overlay whose run directory names a dead owner, and stray dead run directories", () => {
    const plan = planSweep(
      {
        domains: [],
        volumes: ["coreops-verify-e.qcow2"],
        runDirs: [
          { runId: "e", owner: owner(2) },
          { runId: "f", owner: owner(3) },
          { runId: "g", owner: owner(1) },
        ],
      },
      alive,
    );
    expect(plan.volumes).toEqual(["coreops-verify-e.qcow2"]);
    expect(plan.runDirs).toEqual(["e", "f"]);
  });
});

describe("planSweep and retained runs", () => {
  const inventory = {
    domains: [
      { name: "coreops-verify-kept", owner: owner(2) },
      { name: "coreops-verify-dead", owner: owner(2) },
      { name: "coreops-verify-live", owner: owner(1) },
    ],
    volumes: ["coreops-verify-kept.qcow2", "coreops-verify-dead.qcow2", "coreops-verify-live.qcow2"],
    runDirs: [
      { runId: "kept", owner: owner(2), retained: true },
      { runId: "dead", owner: owner(2) },
      { runId: "live", owner: owner(1) },
    ],
  };

  it("never removes a retained run although its owner is gone", () => {
    const plan = planSweep(inventory, alive);
    expect(plan.domains).toEqual(["coreops-verify-dead"]);
    expect(plan.volumes).toEqual(["coreops-verify-dead.qcow2"]);
    expect(plan.runDirs).toEqual(["dead"]);
    expect(plan.kept).toContainEqual({
      item: "domain coreops-verify-kept",
      reason: "retained for debugging (core-ops-verify machine destroy kept, or machine sweep --retained)",
    });
  });

  it("with retained: remove, removes the retained runs and only them", () => {
    const plan = planSweep(inventory, alive, { retained: "remove" });
    expect(plan).toEqual({
      domains: ["coreops-verify-kept"],
      volumes: ["coreops-verify-kept.qcow2"],
      runDirs: ["kept"],
      kept: [],
    });
  });
});
