/**
 * The readiness parser and tracker on serial console logs recorded from real boots of the local guest image
 * (harness/test-fixtures/console/): Ignition's log, systemd's coloured status output and the record.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ReadinessTracker } from "./tracker.js";

const fixtures = resolve(import.meta.dirname, "../../test-fixtures/console");

function feedAll(file: string, runId: string, token: string): ReadinessTracker {
  const tracker = new ReadinessTracker(runId, token);
  for (const line of readFileSync(resolve(fixtures, file), "latin1").split("\n")) tracker.feed(line, "t");
  return tracker;
}

describe("recorded console: first boot of the trixie guest", () => {
  const token = "828f2c34b8fce68eea8d9f0889fd41e626895d8aa356a27c";

  it("accepts exactly this run's record of that boot", () => {
    const tracker = feedAll("trixie-first-boot.log", "kvmtry", token);
    expect(tracker.accepted).toEqual([
      {
        run_id: "kvmtry",
        token,
        ip: "10.0.2.15",
        boot_id: "9f28d310-5702-494c-99d4-c03826ebd21b",
        hostname: "core-ops-guest",
        ts: "2026-11-29T09:55:35Z",
      },
    ]);
    expect(tracker.rejected).toEqual([]);
    expect(tracker.ignitionFailure).toBeUndefined();
  });

  it("calls the same log stale for another run", () => {
    const tracker = feedAll("trixie-first-boot.log", "another-run", token);
    expect(tracker.accepted).toEqual([]);
    expect(tracker.rejected.map((r) => r.reason)).toEqual(["stale"]);
  });
});
