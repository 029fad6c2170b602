/**
 * Bring-up: provision a machine, boot it, wait for its readiness record. The error's class decides what a
 * failure is (`faultOf`): an infrastructure failure is retried once on a fresh machine, and the retry is
 * reported as a warning; a readiness timeout and a harness bug (a `TypeError`, say) are not retried. The
 * failed attempt's serial console is kept for the bundle: its machine, and so its run files, are gone.
 */

import { readFile } from "node:fs/promises";
import { errorText, type Fault, faultOf } from "../faults.js";
import type { HarnessLog } from "../harness-log.js";
import type { Hypervisor, Machine, MachineSpec, ReadinessRecord } from "../machine.js";
import type { Timeline } from "./timeline.js";

export type BringUp =
  | {
      ok: true;
      machine: Machine;
      record: ReadinessRecord;
      warnings: string[];
      failedAttempts: FailedAttempt[];
      runDir: string;
    }
  | {
      ok: false;
      fault: BringUpFault;
      message: string;
      warnings: string[];
      failedAttempts: FailedAttempt[];
      machine?: Machine;
      runDir?: string;
    };

/** What a bring-up says about its retries, whatever its outcome. */
export type BringUpRetries = Pick<BringUp, "warnings" | "failedAttempts">;

/** An attempt that failed and was retried: what its serial console said (a kernel panic's trace, say). */
export interface FailedAttempt {
  attempt: number;
  consoleText: string;
}

/** The bundle file that holds a failed attempt's console. */
export function failedAttemptConsoleFile(attempt: number): string {
  return `console-log-attempt-${attempt}.txt`;
}

/** Who is at fault for a failed bring-up (an assertion cannot fail before the steps). */
export type BringUpFault = Exclude<Fault, "assertion">;

export async function bringUp(options: {
  hypervisor: Hypervisor;
  spec: MachineSpec;
  readinessMs: number;
  log: HarnessLog;
  timeline: Timeline;
  onMachine?: (m: Machine) => void;
  maxAttempts?: number;
}): Promise<BringUp> {
  const { log, timeline } = options;
  const warnings: string[] = [];
  const failedAttempts: FailedAttempt[] = [];
  const attempts = options.maxAttempts ?? 2;
  for (let attempt = 1; ; attempt++) {
    const suffix = attempt === 1 ? "" : ` (attempt ${attempt})`;
    let machine: Machine | undefined;
    let runDir = options.spec.runDir;
    try {
      // A retry gets its own run id (and so domain name and run dir): leftovers of the failed attempt
      // must not collide with it.
      const spec =
        attempt === 1
          ? options.spec
          : {
              ...options.spec,
              runId: `${options.spec.runId}-r${attempt}`,
              runDir: `${options.spec.runDir}-r${attempt}`,
            };
      runDir = spec.runDir;
      machine = await timeline.phase("provision", `provision${suffix}`, () =>
        log.span("provisioning the guest", () => options.hypervisor.createMachine(spec)),
      );
      options.onMachine?.(machine);
      const m = machine;
      await timeline.phase("boot", `boot${suffix}`, () => log.span(`booting ${m.name}`, () => m.start()));
      const record = await timeline.phase("readiness", `readiness${suffix}`, () =>
        log.span("waiting for the readiness record", () => m.waitReady({ timeoutMs: options.readinessMs })),
      );
      log.info(`guest ready: ip ${record.ip}, boot id ${record.boot_id}`);
      return { ok: true, machine: m, record, warnings, failedAttempts, runDir: spec.runDir };
    } catch (err) {
      const found = faultOf(err);
      const fault = found === "assertion" ? "harness" : found;
      const message = `bring-up failed${suffix}: ${errorText(err)}`;
      log.info(message);
      const retried = fault === "infrastructure" && attempt < attempts;
      if (!retried) return { ok: false, fault, message, warnings, failedAttempts, machine, runDir };
      let kept = "";
      if (machine !== undefined) {
        failedAttempts.push(await destroyFailed(machine, attempt, log));
        kept = `; that attempt's serial console is in the bundle as ${failedAttemptConsoleFile(attempt)}`;
      }
      warnings.push(`bring-up retried once after an infrastructure failure: ${errorText(err)}${kept}`);
    }
  }
}

/** Removes a failed attempt's machine and keeps what its serial console said. */
async function destroyFailed(machine: Machine, attempt: number, log: HarnessLog): Promise<FailedAttempt> {
  const report = await machine.destroy();
  log.info(`destroyed the failed guest (${report.errors.length} errors)`);
  // After teardown the machine's console path is the copy it left in the run directory.
  const consoleText = await readFile(machine.consolePath(), "utf8").catch(
    (e: unknown) => `(the failed attempt's console could not be read: ${errorText(e)})\n`,
  );
  return { attempt, consoleText };
}
