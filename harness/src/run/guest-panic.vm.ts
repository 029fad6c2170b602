/**
 * A guest whose kernel panics before it is ready (README.md "Debugging a failed scenario"): a real guest
 * booted with `init=/bin/false` — PID 1 exits at once and the kernel panics ("Attempted to kill init!"). The
 * readiness wait reads the panic from the console instead of waiting out its timeout, bring-up retries
 * once on a fresh machine (which panics too), the run is an infrastructure failure, both consoles are in
 * the bundle, and no VM is left.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "../libvirt/connection.js";
import { openHypervisor } from "../libvirt/hypervisor.js";
import { loadScenarioFile } from "../scenario/loader.js";
import { executeScenario } from "./execute.js";

const root = resolve(import.meta.dirname, "../../..");
const agentBinary = join(root, "agent", "dist", "core-ops");

describe("a guest kernel panic before readiness", () => {
  it("fails fast as an infrastructure fault, is retried once, and both consoles are kept", async () => {
    expect(existsSync(agentBinary), `${agentBinary} missing: run npm run build`).toBe(true);
    const settings = resolveConnection();
    const work = mkdtempSync(join(tmpdir(), "guest-panic-"));
    const log = (line: string) => process.stderr.write(`[guest-panic] ${line}\n`);
    try {
      const hypervisor = await openHypervisor({ log, extraCmdline: "init=/bin/false" });
      const began = performance.now();
      const run = await executeScenario({
        loaded: await loadScenarioFile(join(root, "scenarios", "minimal-accepted.yaml")),
        hypervisor,
        repoRoot: root,
        workspaceRoot: join(work, "ws"),
        artifactsDir: join(work, "artifacts"),
        agentBinary,
        mode: "local",
        logSink: log,
      });
      const seconds = (performance.now() - began) / 1000;
      log(`outcome ${run.classification.outcome} after ${seconds.toFixed(1)} s`);

      expect(run.classification.outcome).toBe("infrastructure_failure");
      expect(run.classification.summary).toContain("kernel panicked");
      expect(run.readiness?.final_status).toBe("kernel_panic");
      // Two boots to a panic, well inside one readiness timeout (240 s by default), let alone two.
      expect(seconds).toBeLessThan(240);
      expect(run.warnings[0]).toMatch(
        /^bring-up retried once after an infrastructure failure: the guest's kernel panicked/,
      );
      expect(run.warnings[0]).toContain("console-log-attempt-1.txt");
      const bundle = run.bundle.bundle_path;
      for (const file of ["console-log-attempt-1.txt", "console-log.txt"]) {
        expect(readFileSync(join(bundle, file), "utf8"), file).toContain("Kernel panic - not syncing");
      }
      const leftovers = execFileSync("virsh", ["-c", settings.uri, "list", "--all", "--name"], {
        encoding: "utf8",
      });
      expect(leftovers).not.toContain(run.runId);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
