/** Helpers shared by the VM tests that interrupt real runs (teardown-on-signal, interrupt-scenario). */
import { retry } from "../../retry.js";

/** Polls `check` every 250 ms; throws naming `what()` after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  await retry(async () => check() || undefined, {
    what: "until",
    timeoutMs,
    intervalMs: 250,
    onTimeout: () => new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`),
  });
}

/** Belt and braces after a test: destroy, undefine and delete the overlay of `name`, ignoring what is gone. */
export function removeDomainAndOverlay(
  virsh: (...args: string[]) => string,
  pool: string,
  name: string,
): void {
  for (const args of [
    ["destroy", name],
    ["undefine", name],
    ["vol-delete", `${name}.qcow2`, "--pool", pool],
  ]) {
    try {
      virsh(...args);
    } catch {
      // already gone
    }
  }
}
