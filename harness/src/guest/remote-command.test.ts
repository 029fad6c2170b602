import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isTimeout, remoteCommand, shellQuote } from "./remote-command.js";

describe("remoteCommand", () => {
  it("runs as root through sudo under a killing timeout, quoting the command once", () => {
    expect(remoteCommand("echo 'hi'; id -u", { asRoot: true, timeoutMs: 2500 })).toBe(
      `sudo -n timeout --signal=KILL 3 sh -c 'echo '\\''hi'\\''; id -u'`,
    );
    expect(remoteCommand("true", { asRoot: false, timeoutMs: 10 })).toBe(
      "timeout --signal=KILL 1 sh -c 'true'",
    );
  });

  it("quotes so that a real shell gets the command back byte for byte", () => {
    const tricky = `printf '%s\\n' "$HOME" 'a'"b" \`x\` $(y)`;
    expect(execFileSync("sh", ["-c", `printf %s ${shellQuote(tricky)}`]).toString()).toBe(tricky);
  });

  it("kills the whole process group when the time is up (real timeout binary)", () => {
    const started = Date.now();
    let status = 0;
    try {
      execFileSync("sh", ["-c", remoteCommand("sleep 30 & sleep 30", { asRoot: false, timeoutMs: 1000 })]);
    } catch (error) {
      status = (error as { status: number }).status;
    }
    const duration = Date.now() - started;
    expect(status).toBe(137);
    expect(duration).toBeLessThan(10_000);
    expect(isTimeout(status, duration, 1000)).toBe(true);
    expect(isTimeout(137, 100, 5000)).toBe(false);
  });
});
