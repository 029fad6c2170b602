import { describe, expect, it } from "vitest";
import type { StepResult } from "../steps/result.js";
import { unitsNamedIn } from "./failure-evidence.js";

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
