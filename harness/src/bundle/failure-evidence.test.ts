import { describe, expect, it } from "vitest";
import type { StepResult } from "../steps/result.js";
import { parseListBoots, rebooted, unitsNamedIn } from "./failure-evidence.js";

const step = (status: StepResult["status"], stdout: string): StepResult => ({
  step_id: "s",
  step_type: "coreops_action",
  status,
  details: "",
  command: "",
  exit_code: 1,
  stdout,
  stderr: "",
  duration_ms: 1,
  started_at: "",
  completed_at: "",
  attempts: 1,
});

describe("units named in failing steps", () => {
  it("collects unit names (Quadlet files as their services) from failing steps only, sorted", () => {
    expect(
      unitsNamedIn([
        step(
          "failed",
          "restart of frontend.container failed; see systemctl status ticker.service\ncache.volume",
        ),
        step("passed", "other.service is fine"),
      ]),
    ).toEqual(["cache-volume.service", "frontend.service", "ticker.service"]);
  });
});

describe("journals of every boot", () => {
  it("parses journalctl --list-boots (systemd 257 layout), oldest first, header ignored", () => {
    const text = [
      "IDX BOOT ID                          FIRST ENTRY                 LAST ENTRY",
      " -1 4f2b5a0e9c7d4e1fa0b1c2d3e4f50617 Mon 2026-11-30 18:53:01 UTC Mon 2026-11-30 18:55:40 UTC",
      "  0 0a1b2c3d4e5f60718293a4b5c6d7e8f9 Mon 2026-11-30 18:56:20 UTC Mon 2026-11-30 18:57:02 UTC",
    ].join("\n");
    expect(parseListBoots(text)).toEqual([
      { offset: -1, bootId: "4f2b5a0e9c7d4e1fa0b1c2d3e4f50617" },
      { offset: 0, bootId: "0a1b2c3d4e5f60718293a4b5c6d7e8f9" },
    ]);
    expect(parseListBoots("No journal boot entry found from the specified boot offset (+0).\n")).toEqual([]);
  });

  it("asks for earlier boots only when a reboot step ran", () => {
    const reboot = (status: StepResult["status"]): StepResult => ({
      ...step(status, ""),
      step_type: "reboot",
    });
    expect(rebooted([step("failed", "x")])).toBe(false);
    expect(rebooted([step("passed", ""), reboot("skipped")])).toBe(false);
    expect(rebooted([reboot("passed"), step("failed", "")])).toBe(true);
    expect(rebooted([reboot("timed_out")])).toBe(true);
  });
});
