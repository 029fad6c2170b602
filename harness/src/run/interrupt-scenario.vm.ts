/**
 * Ctrl-C during a scenario: `core-ops-verify run` is interrupted with SIGINT while a
 * real scenario is executing its steps in the guest; afterwards no domain, overlay volume or run directory
 * of that run is left. The child is the real CLI running the accepted minimal scenario.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "../libvirt/connection.js";
import { removeDomainAndOverlay, until } from "../libvirt/test-support/vm-test-helpers.js";

const root = resolve(import.meta.dirname, "../../..");
const cli = join(root, "harness", "bin", "core-ops-verify.js");
const scenario = join(root, "scenarios", "minimal-accepted.yaml");

describe("Ctrl-C during a scenario", () => {
  it("tears down the scenario's VM, volume and run directory", async () => {
    const settings = resolveConnection();
    const virsh = (...args: string[]) =>
      execFileSync("virsh", ["-c", settings.uri, ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    const domains = () =>
      virsh("list", "--all", "--name")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.startsWith("coreops-verify-") && l.includes("verify-idempotent-frontend"));
    const before = new Set(domains());
    const artifacts = mkdtempSync(join(tmpdir(), "interrupt-scenario-"));
    expect(existsSync(cli), `${cli} missing: run npm run build`).toBe(true);

    const child = spawn(
      process.execPath,
      [cli, "run", "--scenario", scenario, "--artifacts-dir", artifacts],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on("exit", (code, signal) => done({ code, signal })),
    );
    let ours: string[] = [];
    try {
      // Interrupt mid-scenario: the first step has run in the guest, the next one is running.
      await until(
        () => /step init-v1: passed/.test(stderr),
        600_000,
        () => `the scenario's first step (child stderr: ${stderr.slice(-2000)})`,
      );
      ours = domains().filter((d) => !before.has(d));
      expect(ours, "the scenario's domain while it runs").toHaveLength(1);
      expect(virsh("domstate", ours[0] as string).trim()).toBe("running");
      child.kill("SIGINT");
      const exit = await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`child did not exit: ${stderr.slice(-2000)}`)), 120_000),
        ),
      ]);
      expect(
        exit.code === 0,
        `interrupted run must not report success (stderr: ${stderr.slice(-1000)})`,
      ).toBe(false);
      const name = ours[0] as string;
      expect(virsh("list", "--all", "--name")).not.toContain(name);
      expect(virsh("vol-list", "--pool", settings.pool)).not.toContain(name);
      expect(existsSync(join(settings.stateDir, "runs", name.replace(/^coreops-verify-/, "")))).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      // Never leave a VM behind, even when the assertions above failed.
      for (const name of ours) {
        removeDomainAndOverlay(virsh, settings.pool, name);
      }
      rmSync(artifacts, { recursive: true, force: true });
    }
  });
});
