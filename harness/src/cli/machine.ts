/**
 * `core-ops-verify machine …`: the machine layer by hand — boot one guest from the configured image and
 * keep it until interrupted (or `--debug` to retain it), list runs, destroy a retained one, and sweep
 * orphans of dead runs.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { generateRunSecrets } from "../ignition/run-secrets.js";
import { destroyRunNow, listMachinesNow, openHypervisor, sweepOrphansNow } from "../libvirt/hypervisor.js";
import type { LibvirtMachine } from "../libvirt/libvirt-machine.js";
import { renderMachineList } from "../libvirt/machine-list.js";
import type { Delivery } from "../machine.js";

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Prints an action's error (the entry point only sets the exit code) and fails the command. */
function reportErrors<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      log(`core-ops-verify machine: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  };
}

type BootOptions = Record<string, string | string[] | boolean | undefined>;

export function register(program: Command): void {
  const machine = program.command("machine").description("Boot, inspect and clean up disposable guests");
  registerBoot(machine);
  registerSweep(machine);
  registerList(machine);
  registerDestroy(machine);
}

function registerBoot(machine: Command): void {
  machine
    .command("boot")
    .description("Boot one guest, wait for readiness and SSH, print how to reach it, tear down on exit")
    .option("--run-id <id>", "run id (names the domain coreops-verify-<id>)", `manual-${process.pid}`)
    .option("--run-dir <dir>", "where console log, evidence and rendered Ignition go", "")
    .option("--vcpus <n>", "virtual CPUs", "2")
    .option("--memory <MiB>", "memory in MiB", "1024")
    .option(
      "--deliver <name=path...>",
      "attach a host file read-only at /run/core-ops-verify/delivery/<name>",
    )
    .option("--exec <command>", "run this command as root after readiness and print its output")
    .option("--hold <seconds>", "keep the guest this long after readiness (0: until interrupted)", "0")
    .option("--debug", "retain the VM instead of destroying it")
    .action(reportErrors(bootMachine));
}

/** `machine boot`: creates the guest, uses it, and always tears it down (or retains it with `--debug`). */
async function bootMachine(options: BootOptions): Promise<void> {
  const runId = String(options.runId);
  const runDir = options.runDir ? String(options.runDir) : resolve("artifacts", "machine", runId);
  const deliveries = parseDeliveries((options.deliver as string[] | undefined) ?? []);
  const hypervisor = await openHypervisor({ log });
  log(
    `hypervisor ${hypervisor.uri}, image ${hypervisor.image.name}, domain type ${hypervisor.domainType} (${hypervisor.domainTypeReason})`,
  );
  const guest = await hypervisor.createLibvirtMachine({
    runId,
    vcpus: Number(options.vcpus),
    memoryMiB: Number(options.memory),
    runDir,
    deliveries,
    secrets: generateRunSecrets(runId),
  });
  let failed = false;
  try {
    failed = !(await useGuest(guest, runId, options));
  } catch (error) {
    failed = true;
    log(`error: ${(error as Error).message}`);
  } finally {
    const report = await guest.destroy({ retain: options.debug === true });
    log(`teardown: ${JSON.stringify(report)}`);
  }
  if (failed) process.exitCode = 1;
}

/** `--deliver name=path` pairs, each host path made absolute. */
function parseDeliveries(pairs: string[]): Delivery[] {
  return pairs.map((pair) => {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`--deliver ${pair}: expected <name>=<host path>`);
    return { name: pair.slice(0, at), hostPath: resolve(pair.slice(at + 1)) };
  });
}

/**
 * Starts the guest, waits for readiness, prints how to reach it, runs `--exec` and holds it; false when the
 * command failed.
 */
async function useGuest(guest: LibvirtMachine, runId: string, options: BootOptions): Promise<boolean> {
  let ok = true;
  log(`starting ${guest.name}; console ${guest.consolePath()}`);
  await guest.start();
  const record = await guest.waitReady();
  log(`ready: boot ${record.boot_id} in ${guest.timings.readyMs} ms, SSH in ${guest.timings.sshMs} ms`);
  log(`access: ${guest.accessInfo().ssh}`);
  process.stdout.write(`${JSON.stringify({ run_id: runId, name: guest.name, timings: guest.timings })}\n`);
  if (typeof options.exec === "string") {
    const result = await guest.exec(options.exec);
    // Like everything else the harness shows: this run's secrets redacted (harness/src/secrets/README.md).
    process.stdout.write(guest.redactor.text(result.stdout));
    process.stderr.write(guest.redactor.text(result.stderr));
    if (result.exitCode !== 0) ok = false;
  }
  await hold(Number(options.hold), options.exec === undefined);
  return ok;
}

/** Keeps the guest `seconds` long, or (no `--hold` and no `--exec`) until interrupted. */
async function hold(seconds: number, untilInterrupted: boolean): Promise<void> {
  if (seconds > 0) await new Promise((resolveHold) => setTimeout(resolveHold, seconds * 1000));
  else if (untilInterrupted) {
    log("holding until interrupted (Ctrl-C tears down)");
    // The SIGINT/SIGTERM handler of the machine layer destroys the guest and ends the process.
    await new Promise(() => setInterval(() => undefined, 1 << 30));
  }
}

function registerSweep(machine: Command): void {
  machine
    .command("sweep")
    .description(
      "Remove coreops-verify-* domains, overlays and run dirs whose owner process is gone (never retained ones)",
    )
    .option("--retained", "remove the VMs retained for debugging instead (and only those)")
    .action(
      reportErrors(async (options: { retained?: boolean }) => {
        const report = await sweepOrphansNow({ log }, { retained: options.retained ? "remove" : "keep" });
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        if (report.errors.length > 0) process.exitCode = 1;
      }),
    );
}

function registerList(machine: Command): void {
  machine
    .command("list")
    .description("List coreops-verify runs: retained, running, orphaned or unowned, with age and ssh command")
    .option("--json", "print the list as JSON")
    .action(
      reportErrors(async (options: { json?: boolean }) => {
        const machines = await listMachinesNow({ log });
        process.stdout.write(
          options.json ? `${JSON.stringify(machines, null, 2)}\n` : renderMachineList(machines),
        );
      }),
    );
}

function registerDestroy(machine: Command): void {
  machine
    .command("destroy <run>")
    .description("Remove one run's VM, overlay and run directory (a VM retained for debugging)")
    .action(
      reportErrors(async (runId: string) => {
        const report = await destroyRunNow(runId, { log });
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      }),
    );
}
