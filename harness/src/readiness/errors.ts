/** Readiness failures: infrastructure faults (the guest never said it was ready), typed for the caller. */
import { InfraError } from "../faults.js";

export class ReadinessTimeoutError extends InfraError {
  override readonly name = "ReadinessTimeoutError";
  override readonly timedOut = true;
  constructor(
    readonly waitedMs: number,
    readonly timeoutMs: number,
    readonly consolePath: string,
  ) {
    super(
      `no readiness record for this run after ${(waitedMs / 1000).toFixed(1)} s (timeout ${(timeoutMs / 1000).toFixed(0)} s); ` +
        `see the serial console ${consolePath} and readiness-evidence.json`,
    );
  }
}

/** The guest's kernel panicked before it was ready: an infrastructure fault, retried on a fresh machine. */
export class GuestPanicError extends InfraError {
  override readonly name = "GuestPanicError";
  constructor(
    readonly consoleLine: string,
    readonly consolePath: string,
  ) {
    super(`the guest's kernel panicked (${consoleLine}); the serial console ${consolePath} has the trace`);
  }
}

export class IgnitionFailedError extends InfraError {
  override readonly name = "IgnitionFailedError";
  constructor(
    readonly consoleLine: string,
    readonly consolePath: string,
  ) {
    super(
      `Ignition failed in the guest (${consoleLine}); the serial console ${consolePath} has Ignition's log`,
    );
  }
}
