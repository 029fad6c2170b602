import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { faultOf } from "../faults.js";
import { ConsoleFollower } from "./console-follower.js";
import { GuestPanicError, IgnitionFailedError, ReadinessTimeoutError } from "./errors.js";
import { ReadinessTracker } from "./tracker.js";
import { waitForReadiness } from "./wait.js";

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "follower-"));
  dirs.push(dir);
  return join(dir, "console.log");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const record = (boot: string) =>
  `CORE_OPS_VERIFY_READY {"run_id":"r1","token":"tok","ip":"10.0.2.15","boot_id":"${boot}","hostname":"g","ts":"t"}`;

describe("ConsoleFollower", () => {
  it("reads nothing before the file exists, then grows with it and holds back a partial line", () => {
    const path = tempFile();
    const follower = new ConsoleFollower(path);
    expect(follower.poll()).toEqual([]);
    writeFileSync(path, "one\ntw");
    expect(follower.poll()).toEqual(["one"]);
    appendFileSync(path, "o\nthree\n");
    expect(follower.poll()).toEqual(["two", "three"]);
    expect(follower.poll()).toEqual([]);
  });

  it("starts over when the file is replaced by a shorter one", () => {
    const path = tempFile();
    const follower = new ConsoleFollower(path);
    writeFileSync(path, "a long first line\n");
    follower.poll();
    writeFileSync(path, "new\n");
    expect(follower.poll()).toEqual(["new"]);
  });
});

describe("waitForReadiness", () => {
  it("returns a record appended while waiting", async () => {
    const path = tempFile();
    writeFileSync(path, "booting\n");
    setTimeout(() => appendFileSync(path, `[  OK  ] x ${record("b1")}\n`), 50);
    const outcome = await waitForReadiness(new ConsoleFollower(path), new ReadinessTracker("r1", "tok"), {
      timeoutMs: 5_000,
      pollMs: 10,
    });
    expect(outcome.record.boot_id).toBe("b1");
    expect(outcome.viaFallback).toBe(false);
  });

  it("fails fast on the Ignition failure marker", async () => {
    const path = tempFile();
    writeFileSync(path, "CORE_OPS_IGNITION_FAILED stage=files\n");
    await expect(
      waitForReadiness(new ConsoleFollower(path), new ReadinessTracker("r1", "tok"), { timeoutMs: 60_000 }),
    ).rejects.toBeInstanceOf(IgnitionFailedError);
  });

  it("fails fast on a kernel panic, as an infrastructure fault that bring-up retries", async () => {
    const path = tempFile();
    // The tail of a real panic seen under TCG (a guest that will never print its readiness record).
    writeFileSync(
      path,
      [
        "[   27.814115] RIP: 0010:kfree+0xa0/0x350",
        "[   27.814288] Kernel panic - not syncing: Fatal exception in interrupt",
        "[   27.814438] ---[ end Kernel panic - not syncing: Fatal exception in interrupt ]---",
        "",
      ].join("\n"),
    );
    const error = await waitForReadiness(new ConsoleFollower(path), new ReadinessTracker("r1", "tok"), {
      timeoutMs: 60_000,
      pollMs: 5,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuestPanicError);
    expect(String(error)).toContain("Kernel panic - not syncing: Fatal exception in interrupt");
    expect(String(error)).toContain(path);
    expect(faultOf(error)).toBe("infrastructure");
  });

  it("times out naming the console, after asking the fallback", async () => {
    const path = tempFile();
    writeFileSync(path, `${`${record("b1")}`.replace("r1", "r0")}\n`);
    let asked = 0;
    const error = await waitForReadiness(new ConsoleFollower(path), new ReadinessTracker("r1", "tok"), {
      timeoutMs: 30,
      pollMs: 5,
      fallback: async () => {
        asked++;
        return undefined;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadinessTimeoutError);
    expect(String(error)).toContain(path);
    expect(asked).toBe(1);
  });

  it("uses the fallback's record when it has one", async () => {
    const path = tempFile();
    const outcome = await waitForReadiness(new ConsoleFollower(path), new ReadinessTracker("r1", "tok"), {
      timeoutMs: 10,
      pollMs: 5,
      fallback: async () => ({
        run_id: "r1",
        token: "",
        ip: "192.168.1.9",
        boot_id: "",
        hostname: "",
        ts: "",
      }),
    });
    expect(outcome.viaFallback).toBe(true);
    expect(outcome.record.ip).toBe("192.168.1.9");
  });
});
