/** Readiness failures: infrastructure faults (the guest never said it was ready), typed for the caller. */
export class ReadinessTimeoutError extends Error {
  override readonly name = "ReadinessTimeoutError";
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

export class IgnitionFailedError extends Error {
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
