import { describe, expect, it } from "vitest";
import { mustRun, runCommand } from "./command.js";

describe("runCommand", () => {
  it("returns code and output, and streams lines to the log with a prefix", async () => {
    const lines: string[] = [];
    const r = await runCommand("sh", ["-c", "echo one; echo two >&2; exit 3"], {
      log: (l) => lines.push(l),
      prefix: "> ",
    });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("one\n");
    expect(r.stderr).toBe("two\n");
    expect([...lines].sort()).toEqual(["> one", "> two"]);
  });

  it("reports a program that does not exist instead of an empty failure", async () => {
    const r = await runCommand("core-ops-no-such-program", []);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/ENOENT/);
  });

  it("kills at the time limit and says so", async () => {
    const r = await runCommand("sleep", ["5"], { timeoutMs: 200 });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/timed out after 200 ms/);
  });

  it("mustRun throws with the command, exit code, output tail and hint", async () => {
    await expect(
      mustRun(runCommand, "sh", ["-c", "echo broken >&2; exit 2"], { hint: "fix it" }),
    ).rejects.toThrow(/`sh -c echo broken >&2; exit 2` failed with exit code 2:\nbroken\nhint: fix it/);
  });
});
