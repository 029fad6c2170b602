import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanText } from "./checks.js";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "..", "test-fixtures", "console", name), "utf8");

describe("guest checks as data", () => {
  it("finds nothing in a clean boot", () => {
    expect(scanText(fixture("clean-boot.log"), "console")).toEqual([]);
  });
  it("finds the Ignition failure, the failed unit and emergency mode, with lines", () => {
    const f = scanText(fixture("emergency.log"), "console");
    expect(f.map((x) => `${x.check}:${x.line}:${x.severity}`)).toEqual([
      "ignition-failed:3:fail",
      "failed-to-start:5:warn",
      "emergency-mode:6:fail",
      "emergency-mode:7:fail",
    ]);
  });
  it("honours opt-outs and sources", () => {
    expect(scanText("Kernel panic - not syncing: VFS", "journal", undefined, ["kernel-panic"])).toEqual([]);
    expect(scanText("Kernel panic - not syncing: VFS", "journal")[0]?.check).toBe("kernel-panic");
    expect(scanText("CORE_OPS_IGNITION_FAILED stage=files", "console")[0]?.check).toBe("ignition-failed");
  });
});
