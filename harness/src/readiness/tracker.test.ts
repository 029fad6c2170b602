import { describe, expect, it } from "vitest";
import { ReadinessTracker } from "./tracker.js";

function line(fields: Partial<Record<"run_id" | "token" | "boot_id", string>>): string {
  const record = {
    run_id: "r1",
    token: "tok",
    ip: "10.0.2.15",
    boot_id: "b1",
    hostname: "g",
    ts: "t",
    ...fields,
  };
  return `CORE_OPS_VERIFY_READY ${JSON.stringify(record)}`;
}

describe("ReadinessTracker", () => {
  it("accepts the first matching record per boot and rejects a repeat as duplicate_current_run", () => {
    const tracker = new ReadinessTracker("r1", "tok");
    expect(tracker.feed(line({}), "a")?.kind).toBe("accepted");
    expect(tracker.feed(line({}), "b")).toEqual({
      kind: "rejected",
      reason: "duplicate_current_run",
      line: line({}),
    });
    expect(tracker.feed(line({ boot_id: "b2" }), "c")?.kind).toBe("accepted");
    expect(tracker.accepted.map((r) => r.boot_id)).toEqual(["b1", "b2"]);
  });

  it("rejects other runs' records and wrong tokens as stale", () => {
    const tracker = new ReadinessTracker("r1", "tok");
    tracker.feed(line({ run_id: "r0" }), "a");
    tracker.feed(line({ token: "forged" }), "b");
    expect(tracker.rejected.map((r) => r.reason)).toEqual(["stale", "stale"]);
    expect(tracker.accepted).toEqual([]);
  });

  it("records malformed lines with when they were read", () => {
    const tracker = new ReadinessTracker("r1", "tok");
    tracker.feed('CORE_OPS_VERIFY_READY {"run_id":', "2026-11-29T10:00:00Z");
    expect(tracker.rejected).toEqual([
      { line: 'CORE_OPS_VERIFY_READY {"run_id":', reason: "malformed", at: "2026-11-29T10:00:00Z" },
    ]);
  });

  it("queues accepted records until a waiter takes them", () => {
    const tracker = new ReadinessTracker("r1", "tok");
    tracker.feed(line({ boot_id: "b1" }), "a");
    tracker.feed(line({ boot_id: "b2" }), "b");
    expect(tracker.takeNext()?.boot_id).toBe("b1");
    expect(tracker.takeNext()?.boot_id).toBe("b2");
    expect(tracker.takeNext()).toBeUndefined();
  });

  it("keeps the first Ignition failure", () => {
    const tracker = new ReadinessTracker("r1", "tok");
    tracker.feed("CORE_OPS_IGNITION_FAILED stage=fetch-offline", "a");
    tracker.feed("CORE_OPS_IGNITION_FAILED stage=files", "b");
    expect(tracker.ignitionFailure).toBe("CORE_OPS_IGNITION_FAILED stage=fetch-offline");
  });
});
