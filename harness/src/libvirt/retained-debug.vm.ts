/**
 * A VM kept for debugging stays kept (README.md "Debugging a failed scenario"): `run --debug --pause-before-teardown`
 * prints how to reach the guest and waits for Enter with the guest up; after Enter the VM is retained and
 * marked so. A following run (`machine boot`, whose first act is the orphan sweep) leaves it alone although
 * its owner process is gone; `machine list` shows it with its ssh command; `machine destroy <run>` removes
 * domain, overlay and run directory. Whatever fails, the test removes what it made (finally block).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "./connection.js";
import { removeDomainAndOverlay, until } from "./test-support/vm-test-helpers.js";

const root = resolve(import.meta.dirname, "../../..");
const cli = join(root, "harness", "bin", "core-ops-verify.js");

const SCENARIO = `scenario_id: retained-debug-probe
title: A guest command, for the retained-VM test
description: One guest command; the VM is kept with --debug.
scenario_classes: [operator_verification_flow]
source: accepted
behavioral_claim: A debug run keeps its VM reachable.
rationale: Test support for retained-debug.vm.ts.
environment: { profile: single-blessed-vm }
fixtures: { repo_fixture: frontend-history/v1, revision_under_test: v1 }
steps:
  - { step_id: hello, step_type: guest_command, command: "echo retained-probe" }
assertions:
  - { assertion_id: said-hello, assertion_type: step_stdout_contains, target: hello, expected_state: retained-probe }
`;

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [cli, ...args], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 900_000,
    });
    return { status: 0, stdout, stderr: "" };
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("a VM retained with --debug", () => {
  it("survives a following run's orphan sweep, is listed, and machine destroy removes it", async () => {
    const settings = resolveConnection();
    const virsh = (...args: string[]) =>
      execFileSync("virsh", ["-c", settings.uri, ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    const domains = () => virsh("list", "--all", "--name");
    const scratch = mkdtempSync(join(tmpdir(), "retained-debug-"));
    const scenario = join(scratch, "probe.yaml");
    writeFileSync(scenario, SCENARIO);
    expect(existsSync(cli), `${cli} missing: run npm run build`).toBe(true);
    const follower = `retained-follow-${process.pid}`;
    let name: string | undefined;
    const child = spawn(
      process.execPath,
      [cli, "run", "--scenario", scenario, "--debug", "--pause-before-teardown", "--artifacts-dir", scratch],
      { cwd: root, stdio: ["pipe", "pipe", "pipe"] },
    );
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      await until(
        () => /press Enter to tear down/.test(stderr),
        900_000,
        () => `the pause before teardown (child stderr: ${stderr.slice(-2000)})`,
      );
      name = /guest (coreops-verify-\S+) is up/.exec(stderr)?.[1];
      expect(name, stderr.slice(-2000)).toBeDefined();
      const domain = name as string;
      const runId = domain.replace(/^coreops-verify-/, "");
      const ssh = /ssh: (ssh .*)/.exec(stderr)?.[1] as string;
      const reach = () =>
        execFileSync(
          "sh",
          ["-c", `${ssh.replace(/^ssh /, "ssh -o BatchMode=yes -o ConnectTimeout=30 ")} cat /etc/hostname`],
          {
            encoding: "utf8",
            timeout: 120_000,
          },
        );
      // Paused: the guest is up and reachable with the printed command.
      expect(virsh("domstate", domain).trim()).toBe("running");
      expect(reach().trim().length).toBeGreaterThan(0);
      child.stdin.write("\n");
      expect(await exited, stderr.slice(-2000)).toBe(0);
      expect(stdout).toContain("guest retained for debugging:");
      expect(stdout).toContain(`core-ops-verify machine destroy ${runId}`);
      expect(existsSync(join(settings.stateDir, "runs", runId, "retained.json"))).toBe(true);

      // A following run: its orphan sweep runs before it creates its machine; the debug run's owner is gone.
      // Its --exec prints the guest's Ignition config (readiness token, host key) with those secrets redacted.
      const config = "/sys/firmware/qemu_fw_cfg/by_name/opt/com.coreos/config/raw";
      const follow = runCli(["machine", "boot", "--run-id", follower, "--exec", `cat ${config}`]);
      expect(follow.status, follow.stderr.slice(-2000)).toBe(0);
      expect(follow.stdout).toContain('"ignition"');
      expect(follow.stdout).toContain("[REDACTED]");
      expect(domains()).toContain(domain);
      expect(virsh("domstate", domain).trim()).toBe("running");
      expect(reach().trim().length).toBeGreaterThan(0);

      const listed = runCli(["machine", "list", "--json"]);
      expect(listed.status, listed.stderr).toBe(0);
      const entry = (
        JSON.parse(listed.stdout) as { run_id: string; state: string; ssh: string | null }[]
      ).find((m) => m.run_id === runId);
      expect(entry?.state).toBe("retained");
      expect(entry?.ssh).toBe(ssh);

      const destroyed = runCli(["machine", "destroy", runId]);
      expect(destroyed.status, destroyed.stderr).toBe(0);
      expect(domains()).not.toContain(domain);
      expect(virsh("vol-list", "--pool", settings.pool)).not.toContain(domain);
      expect(existsSync(join(settings.stateDir, "runs", runId))).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      for (const leftover of [name, `coreops-verify-${follower}`]) {
        if (leftover === undefined) continue;
        removeDomainAndOverlay(virsh, settings.pool, leftover);
        rmSync(join(settings.stateDir, "runs", leftover.replace(/^coreops-verify-/, "")), {
          recursive: true,
          force: true,
        });
      }
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
