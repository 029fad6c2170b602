/**
 * Teardown guarantee: a process that is booting a machine and receives SIGINT removes the
 * domain, its overlay volume and its run directory, then dies of the signal. The child is the real CLI
 * (`core-ops-verify machine boot`); the test waits until the guest is visibly booting before interrupting.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "./connection.js";
import { removeDomainAndOverlay, until } from "./test-support/vm-test-helpers.js";

const cli = resolve(import.meta.dirname, "../../bin/core-ops-verify.js");

describe("teardown on SIGINT", () => {
  it("leaves no domain, volume or run directory when a booting machine is interrupted", async () => {
    const settings = resolveConnection();
    const runId = `sigint-${process.pid}`;
    const name = `coreops-verify-${runId}`;
    const runDir = join(settings.stateDir, "runs", runId);
    const artifacts = join(tmpdir(), `${runId}-artifacts`);
    const virsh = (...args: string[]) =>
      execFileSync("virsh", ["-c", settings.uri, ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    expect(existsSync(cli), `${cli} missing: run npm run build`).toBe(true);

    const child = spawn(
      process.execPath,
      [cli, "machine", "boot", "--run-id", runId, "--run-dir", artifacts],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
      child.on("exit", (code, signal) => resolveExit({ code, signal })),
    );
    try {
      await until(
        () => {
          try {
            return (
              virsh("domstate", name).trim() === "running" && statSync(join(runDir, "console.log")).size > 0
            );
          } catch {
            return false;
          }
        },
        // libvirt may re-probe QEMU's capabilities before the first define (60-100 s seen here).
        240_000,
        () => `${name} running with console output (child stderr: ${stderr})`,
      );
      expect(virsh("vol-list", "--pool", settings.pool)).toContain(`${name}.qcow2`);
      child.kill("SIGINT");
      const exit = await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`child did not exit: ${stderr}`)), 60_000),
        ),
      ]);
      expect(exit.signal).toBe("SIGINT");
      expect(stderr).toContain(`SIGINT: tearing down 1 machine(s): ${name}`);
      expect(virsh("list", "--all", "--name")).not.toContain(name);
      expect(virsh("vol-list", "--pool", settings.pool)).not.toContain(name);
      expect(existsSync(runDir)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      // Belt and braces: never leave a VM behind, even when the assertions above failed.
      removeDomainAndOverlay(virsh, settings.pool, name);
      execFileSync("rm", ["-rf", runDir, artifacts]);
    }
  });
});
