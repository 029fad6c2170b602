import { describe, expect, it } from "vitest";
import { parseConsoleLine, stripAnsi } from "./record.js";

const json =
  '{"run_id":"r1","token":"t0k3n","ip":"10.0.2.15","boot_id":"b-1","hostname":"g","ts":"2026-11-29T10:00:00Z"}';

describe("parseConsoleLine", () => {
  it("finds the marker at the start of a line", () => {
    const parsed = parseConsoleLine(`CORE_OPS_VERIFY_READY ${json}`);
    expect(parsed.kind).toBe("record");
    if (parsed.kind === "record") expect(parsed.record.boot_id).toBe("b-1");
  });

  it("finds the marker behind systemd status output and ANSI escapes, ignoring trailing noise", () => {
    const line = `\x1b[0;32m  OK  \x1b[0m] Started ssh.service.\rCORE_OPS_VERIFY_READY ${json}\x1b[K [  OK  ]`;
    const parsed = parseConsoleLine(line);
    expect(parsed.kind).toBe("record");
    if (parsed.kind === "record") expect(parsed.record.ip).toBe("10.0.2.15");
  });

  it("calls a cut or incomplete record malformed", () => {
    expect(parseConsoleLine(`CORE_OPS_VERIFY_READY {"run_id":"r1","tok`).kind).toBe("malformed");
    expect(parseConsoleLine(`CORE_OPS_VERIFY_READY {"run_id":"r1"}`).kind).toBe("malformed");
    expect(parseConsoleLine("CORE_OPS_VERIFY_READY").kind).toBe("malformed");
  });

  it("recognises the Ignition failure marker", () => {
    expect(parseConsoleLine("[   9.1] CORE_OPS_IGNITION_FAILED stage=files")).toEqual({
      kind: "ignition_failed",
      line: "[   9.1] CORE_OPS_IGNITION_FAILED stage=files",
    });
  });

  it("recognises a kernel panic, and not an oops the kernel survives", () => {
    expect(parseConsoleLine("[   27.8] Kernel panic - not syncing: Fatal exception in interrupt")).toEqual({
      kind: "kernel_panic",
      line: "[   27.8] Kernel panic - not syncing: Fatal exception in interrupt",
    });
    expect(
      parseConsoleLine("[    9.5] Oops: general protection fault, probably for non-canonical address").kind,
    ).toBe("none");
  });

  it("ignores other lines", () => {
    expect(parseConsoleLine("[  OK  ] Reached target multi-user.target.").kind).toBe("none");
  });

  it("strips colour and cursor escapes", () => {
    expect(stripAnsi("\x1b[1;31mred\x1b[0m\r")).toBe("red");
  });
});
