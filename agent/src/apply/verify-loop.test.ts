/**
 * Verification retried up to the budget, and the classification of its attempts.
 */
import { describe, expect, it } from "vitest";
import type { ObjectFailure } from "../model/execution.js";
import { classifyAttempts, failureSignature } from "./convergence.js";
import { executePlan } from "./executor.js";
import { file, obj, opts, Q, RecordingSystemd, rootFs } from "./test-support/executor-doubles.js";

describe("verification, retry and classification", () => {
  const web = () =>
    obj({
      id: "container/web.container",
      unit: "web.service",
      action: "create",
      files: [file(`${Q}/web.container`, "w")],
    });

  it("retries a failed unit and converges when it comes up", async () => {
    const sd = new RecordingSystemd();
    sd.states = (_u, n) =>
      n <= 3
        ? {
            LoadState: "loaded",
            ActiveState: "failed",
            SubState: "failed",
            Result: "exit-code",
            NRestarts: "0",
          }
        : { LoadState: "loaded", ActiveState: "active", SubState: "running", NRestarts: "0" };
    const res = await executePlan([web()], { systemd: sd, fs: rootFs(), dryRun: null }, opts);
    expect(sd.actions()).toEqual(["daemon-reload", "start web.service", "restart web.service"]);
    expect(res.convergence.status).toBe("success");
    expect(res.convergence.attempt_count).toBe(2);
    expect(res.convergence.attempts[0]?.signature).toBe("container/web.container=not_running");
    expect(res.convergence.attempts[0]?.failures[0]?.reason).toBe("unit_failed");
  });

  it("stops with repeated_failure when the same failure comes back", async () => {
    const sd = new RecordingSystemd();
    sd.states = () => ({
      LoadState: "loaded",
      ActiveState: "failed",
      SubState: "failed",
      Result: "exit-code",
      NRestarts: "0",
    });
    const res = await executePlan([web()], { systemd: sd, fs: rootFs(), dryRun: null }, opts);
    expect(res.convergence.status).toBe("repeated_failure");
    expect(res.convergence.attempt_count).toBe(2);
    expect(res.objects[0]?.final_state).toBe("failed");
    expect(res.convergence.can_continue).toBe(false);
  });

  it("detects a restart loop from NRestarts growing and an oscillation A/B/A", async () => {
    const sd = new RecordingSystemd();
    let samples = 0;
    sd.states = () => {
      // Which attempt we are in = how many times web.service was started or restarted.
      const attempt = sd.calls.filter((c) => /^(start|restart) web/.test(c)).length;
      if (attempt === 0) return { LoadState: "loaded" };
      samples += 1;
      if (attempt === 2)
        return { LoadState: "loaded", ActiveState: "failed", SubState: "failed", NRestarts: "0" };
      return { LoadState: "loaded", ActiveState: "active", SubState: "running", NRestarts: String(samples) };
    };
    const res = await executePlan([web()], { systemd: sd, fs: rootFs(), dryRun: null }, { ...opts });
    expect(res.convergence.attempts.map((a) => a.failures[0]?.reason)).toEqual([
      "restart_loop",
      "unit_failed",
      "restart_loop",
    ]);
    expect(res.convergence.status).toBe("oscillation");
  });

  it("blocks dependents of a unit that fails to start", async () => {
    const sd = new RecordingSystemd();
    sd.failStart.add("db.service");
    sd.states = (u) =>
      u === "db.service"
        ? { LoadState: "loaded", ActiveState: "failed", SubState: "failed", NRestarts: "0" }
        : { LoadState: "loaded", ActiveState: "inactive", SubState: "dead", NRestarts: "0" };
    const res = await executePlan(
      [
        obj({
          id: "container/db.container",
          unit: "db.service",
          action: "create",
          files: [file(`${Q}/db.container`, "d")],
        }),
        obj({
          id: "container/web.container",
          unit: "web.service",
          action: "create",
          prerequisites: ["container/db.container"],
          files: [file(`${Q}/web.container`, "w")],
        }),
      ],
      { systemd: sd, fs: rootFs(), dryRun: null },
      opts,
    );
    expect(sd.actions().filter((c) => c.includes("web.service"))).toEqual([]);
    expect(res.objects.map((o) => o.final_state)).toEqual(["failed", "blocked"]);
    expect(["repeated_failure", "partial"]).toContain(res.convergence.status);
  });

  it("counts the ways of seeing a crashed unit as one signature", () => {
    const f = (reason: ObjectFailure["reason"]) => [{ object: "c/w", reason, detail: "" }];
    const down = ["unit_failed", "container_not_running", "activation_failed", "inactive"] as const;
    expect(new Set(down.map((r) => failureSignature(f(r))))).toEqual(new Set(["c/w=not_running"]));
    expect(failureSignature(f("restart_loop"))).toBe("c/w=restart_loop");
  });

  it("classifies signatures", () => {
    expect(classifyAttempts([""], [], 3, true).status).toBe("success");
    expect(classifyAttempts(["a"], [{ object: "a", reason: "inactive", detail: "" }], 3, true)).toEqual({
      status: "partial",
      stop: false,
    });
    expect(
      classifyAttempts(["a", "a"], [{ object: "a", reason: "inactive", detail: "" }], 3, true).status,
    ).toBe("repeated_failure");
    expect(
      classifyAttempts(["a", "b", "a"], [{ object: "a", reason: "inactive", detail: "" }], 3, true).status,
    ).toBe("oscillation");
    expect(
      classifyAttempts(["a", "b", "c"], [{ object: "c", reason: "inactive", detail: "" }], 3, false),
    ).toEqual({ status: "failed", stop: true });
    expect(classifyAttempts(["x"], [{ object: "x", reason: "busy_mount", detail: "" }], 3, true).status).toBe(
      "blocked",
    );
  });
});
