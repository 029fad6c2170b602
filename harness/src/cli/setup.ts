/** `core-ops-verify setup`: prepare this host as the hypervisor for VM scenarios (idempotent). */
import type { Command } from "commander";
import { runSetup } from "../guest-image/setup.js";

export function register(program: Command): void {
  program
    .command("setup")
    .description(
      "install host packages, start virtlogd/libvirtd, define the storage pool and probe KVM (idempotent; root on Debian)",
    )
    .option("--json", "print the setup report as JSON on stdout")
    .action(async (opts: { json?: boolean }) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      let report: Awaited<ReturnType<typeof runSetup>>;
      try {
        report = await runSetup(log);
      } catch (err) {
        log(`setup: FAILED: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
        return;
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const seconds = (report.durationMs / 1000).toFixed(1);
        if (report.changed.length === 0 && report.blocked.length === 0) {
          log(`setup: host ready, nothing to do (${seconds} s)`);
        } else if (report.changed.length > 0) {
          log(`setup: ${report.changed.length} change(s) in ${seconds} s`);
        }
        if (report.host) log(`setup: accelerator ${report.host.accel} (${report.host.accel_reason})`);
        for (const b of report.blocked) log(`setup: MISSING ${b.what}\n  run: ${b.command}`);
      }
      if (report.blocked.length > 0) process.exitCode = 1;
    });
}
