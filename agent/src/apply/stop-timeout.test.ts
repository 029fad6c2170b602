import { describe, expect, it } from "vitest";
import { parseUnitFile } from "../units/parse.js";
import { containerStopTimeoutMs } from "./from-plan.js";
import { stopTimeoutWarning } from "./stop-timeout.js";

/** systemd timestamps in µs of CLOCK_MONOTONIC; the restart began at 100 s. */
const props = (exitS: number, inactiveS: number, timeoutStop = "1min 30s") => ({
  ActiveExitTimestampMonotonic: String(exitS * 1e6),
  InactiveEnterTimestampMonotonic: String(inactiveS * 1e6),
  TimeoutStopUSec: timeoutStop,
});
const base = { object: "container/web.container", unit: "web.service", restartBeganMs: 100_000 };

describe("stop-timeout warnings", () => {
  it("names a container whose stop took its whole StopTimeout, with the fix", () => {
    const w = stopTimeoutWarning({ ...base, props: props(100.2, 110.6), containerStopTimeoutMs: 10_000 });
    expect(w).toMatchObject({
      kind: "stop_timeout",
      unit: "web.service",
      stop_ms: 10_400,
      timeout_ms: 10_000,
    });
    expect(w?.detail).toMatch(/^web\.service: stopping took 10\.4 s, its whole stop timeout \(10\.0 s\)/);
    expect(w?.detail).toContain("RunInit=true");
  });
  it("says nothing about a quick stop, a stop before this restart, or a unit that was not running", () => {
    expect(
      stopTimeoutWarning({ ...base, props: props(100.2, 100.6), containerStopTimeoutMs: 10_000 }),
    ).toBeNull();
    expect(
      stopTimeoutWarning({ ...base, props: props(50, 60.5), containerStopTimeoutMs: 10_000 }),
    ).toBeNull();
    expect(stopTimeoutWarning({ ...base, props: props(0, 0), containerStopTimeoutMs: 10_000 })).toBeNull();
  });
  it("uses TimeoutStopSec for a native unit, and never warns under an infinite one", () => {
    const w = stopTimeoutWarning({ ...base, props: props(100, 105, "5s"), containerStopTimeoutMs: null });
    expect(w).toMatchObject({ timeout_ms: 5000 });
    expect(w?.detail).toContain("TimeoutStopSec=");
    expect(
      stopTimeoutWarning({ ...base, props: props(100, 104, "5s"), containerStopTimeoutMs: null }),
    ).toBeNull();
    expect(
      stopTimeoutWarning({ ...base, props: props(100, 400, "infinity"), containerStopTimeoutMs: null }),
    ).toBeNull();
  });
  it("reads a .container's StopTimeout=, Podman's 10 s when unset", () => {
    expect(containerStopTimeoutMs(parseUnitFile("[Container]\nImage=x\n"))).toBe(10_000);
    expect(containerStopTimeoutMs(parseUnitFile("[Container]\nStopTimeout=3\n"))).toBe(3000);
    expect(containerStopTimeoutMs(null)).toBeNull();
  });
});
