/**
 * One verification pass: container units, the settle wait, stop-timeout warnings, durations, one `show` per sample.
 */
import { describe, expect, it } from "vitest";
import { executePlan } from "./executor.js";
import { file, obj, opts, Q, RecordingSystemd, rootFs } from "./test-support/executor-doubles.js";

describe("Quadlet containers", () => {
  it("fails an active container unit whose container already exited, and repeats to non-convergence", async () => {
    const fs = rootFs();
    const objects = ["good", "bad"].map((n) =>
      obj({
        id: `container/${n}.container`,
        unit: `${n}.service`,
        action: "create",
        containerName: `systemd-${n}`,
        files: [file(`${Q}/${n}.container`, n)],
      }),
    );
    const sd = new RecordingSystemd();
    sd.states = () => ({ LoadState: "loaded", ActiveState: "active", SubState: "running", NRestarts: "0" });
    const asked: string[] = [];
    const containers = {
      state: async (name: string) => {
        asked.push(name);
        return name === "systemd-good"
          ? { status: "running", exitCode: 0 }
          : { status: "exited", exitCode: 3 };
      },
    };
    const res = await executePlan(objects, { systemd: sd, fs, dryRun: null, containers }, opts);
    expect(res.convergence.status).toBe("repeated_failure");
    expect(res.convergence.affected_objects).toEqual(["container/bad.container"]);
    expect(res.convergence.attempts[0]?.failures[0]).toMatchObject({
      reason: "container_not_running",
      detail: "bad.service is active but its container systemd-bad is exited (exit code 3)",
    });
    expect(res.objects.find((o) => o.object === "container/good.container")?.final_state).toBe("succeeded");
    expect(asked).toContain("systemd-good");
  });
});

describe("durations, settle wait and stop-timeout warnings", () => {
  it("waits settleMs after the last restart, names a restart whose stop used its whole timeout, and times its phases", async () => {
    const fs = rootFs();
    fs.writeAtomic(`${Q}/web.container`, Buffer.from("old"), 0o644, 0, 0);
    const sd = new RecordingSystemd();
    // The scripted clock advances 1 ms per reading; the restart begins at about 10 ms (10 000 µs), the unit
    // left active at 20 ms and was dead 10.3 s later: Podman's whole StopTimeout.
    let now = 0;
    const slept: number[] = [];
    sd.states = () => ({
      LoadState: "loaded",
      ActiveState: "active",
      SubState: "running",
      NRestarts: "0",
      ActiveExitTimestampMonotonic: "20000",
      InactiveEnterTimestampMonotonic: String(20_000 + 10_300_000),
      TimeoutStopUSec: "1min 30s",
    });
    const res = await executePlan(
      [
        obj({
          id: "container/web.container",
          unit: "web.service",
          action: "update",
          files: [file(`${Q}/web.container`, "new")],
          containerStopTimeoutMs: 10_000,
        }),
      ],
      { systemd: sd, fs, dryRun: null },
      {
        ...opts,
        settleMs: 1000,
        clock: () => (now += 1),
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      },
    );
    expect(res.convergence.status).toBe("success");
    expect(res.stopTimeouts).toEqual([
      expect.objectContaining({ unit: "web.service", object: "container/web.container", stop_ms: 10_300 }),
    ]);
    // One settle wait (less the clock readings since the restart returned), one NRestarts sample after it.
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(990);
    // The loaded check, then two verification samples (the loaded check's cannot serve: a restart came after).
    expect(sd.calls.filter((c) => c.startsWith("show"))).toHaveLength(3);
    expect(res.durations.verification_ms).toBeGreaterThanOrEqual(1000);
    expect(res.durations.restarts_ms).toBeGreaterThan(0);
    expect(Object.keys(res.durations).sort()).toEqual(
      [
        "daemon_reload_ms",
        "enable_ms",
        "load_check_ms",
        "restarts_ms",
        "stops_ms",
        "verification_ms",
        "writes_ms",
      ].sort(),
    );
  });

  it("a pass that activated nothing reuses the loaded check's sample and does not settle", async () => {
    const sd = new RecordingSystemd();
    const slept: number[] = [];
    const res = await executePlan(
      [obj({ id: "container/web.container", unit: "web.service", action: "no_op" })],
      { systemd: sd, fs: rootFs(), dryRun: null },
      { ...opts, settleMs: 2000, sleep: async (ms) => void slept.push(ms) },
    );
    expect(res.convergence.status).toBe("success");
    expect(slept).toEqual([]);
    // The loaded check's sample serves verification: one systemctl round-trip in all.
    expect(sd.calls.filter((c) => c.startsWith("show"))).toHaveLength(1);
    expect(res.stopTimeouts).toEqual([]);
  });

  it("reads sockets in the same show as the units they activate", async () => {
    const sd = new RecordingSystemd();
    sd.states = (u) =>
      u === "api.service"
        ? {
            LoadState: "loaded",
            ActiveState: "inactive",
            SubState: "dead",
            Result: "success",
            NRestarts: "0",
          }
        : { LoadState: "loaded", ActiveState: "active", SubState: "listening", NRestarts: "0" };
    const res = await executePlan(
      [
        obj({ id: "native/api.socket", kind: "generated_unit", unit: "api.socket", action: "no_op" }),
        obj({
          id: "native/api.service",
          kind: "generated_unit",
          unit: "api.service",
          action: "no_op",
          activation: "via_socket",
          socketUnit: "api.socket",
        }),
      ],
      { systemd: sd, fs: rootFs(), dryRun: null },
      opts,
    );
    expect(res.convergence.status).toBe("success");
    const shows = sd.calls.filter((c) => c.startsWith("show"));
    expect(shows).toEqual([expect.stringMatching(/ api\.socket api\.service$/)]);
  });
});
