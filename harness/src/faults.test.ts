import { describe, expect, it } from "vitest";
import { AssertionFailed, faultOf, HarnessError, InfraError, ScenarioTimeout } from "./faults.js";
import { HostKeyMismatchError } from "./guest/ssh-session.js";
import { SubstrateError } from "./guest-image/command.js";
import { VirshError } from "./libvirt/virsh.js";
import { IgnitionFailedError, ReadinessTimeoutError } from "./readiness/errors.js";

describe("faultOf", () => {
  it("classes every machine-layer error as infrastructure, a readiness timeout as timeout", () => {
    const result = { exitCode: 1, stdout: "", stderr: "boom" };
    for (const err of [
      new InfraError("x"),
      new SubstrateError("x", "hint"),
      new VirshError(["start", "d"], result),
      new IgnitionFailedError("line", "/c"),
      new HostKeyMismatchError("x"),
    ]) {
      expect(err).toBeInstanceOf(InfraError);
      expect(faultOf(err), err.name).toBe("infrastructure");
    }
    expect(faultOf(new ReadinessTimeoutError(1, 1, "/c"))).toBe("timeout");
    expect(faultOf(new ScenarioTimeout("x", 1, 1))).toBe("timeout");
  });

  it("keeps the error names the logs have always shown", () => {
    expect(String(new ReadinessTimeoutError(1000, 1000, "/c"))).toMatch(/^ReadinessTimeoutError: /);
    expect(String(new SubstrateError("x"))).toBe("SubstrateError: x");
    expect(String(new HostKeyMismatchError("x"))).toBe("HostKeyMismatchError: x");
  });

  it("classes bugs as the harness's fault and a failed claim as the scenario's", () => {
    expect(faultOf(new TypeError("x is not a function"))).toBe("harness");
    expect(faultOf(new ReferenceError("y is not defined"))).toBe("harness");
    expect(faultOf(new HarnessError("x"))).toBe("harness");
    expect(faultOf("a string")).toBe("harness");
    expect(faultOf(new AssertionFailed("x"))).toBe("assertion");
    // An error of no class of ours comes from below the harness (a library, the file system).
    expect(faultOf(new Error("ECONNREFUSED"))).toBe("infrastructure");
  });
});
