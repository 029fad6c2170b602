/**
 * Errors classed by who is at fault (NixOS errors.py, kola): the scenario's claim did not hold
 * (`AssertionFailed`), the machinery under the test failed (`InfraError`: hypervisor, boot, SSH — every
 * error class of the machine layer extends it), the run ran out of time (`ScenarioTimeout`, or an
 * `InfraError` that is a timeout), or the harness itself is wrong (`HarnessError`, and the JavaScript errors
 * that only a bug throws: `TypeError`, `ReferenceError`). `faultOf` is the one
 * place that reads the class: the outcome of a run and the bring-up retry follow from it, so a bug is never
 * retried as an infrastructure failure. Neutral: imported by the machine layer and the scenario layer alike.
 */

export class AssertionFailed extends Error {
  override readonly name: string = "AssertionFailed";
}

export class InfraError extends Error {
  override readonly name: string = "InfraError";
  /** An infrastructure wait that ran out of time (the guest never became ready): the outcome is `timeout`. */
  readonly timedOut: boolean = false;
}

export class ScenarioTimeout extends Error {
  override readonly name: string = "ScenarioTimeout";
  constructor(
    message: string,
    readonly elapsedMs: number,
    readonly limitMs: number,
  ) {
    super(message);
  }
}

export class HarnessError extends Error {
  override readonly name: string = "HarnessError";
}

export type Fault = "assertion" | "infrastructure" | "timeout" | "harness";

/**
 * Who is at fault for an error. An error of no class of ours (a library's, the file system's) is the
 * machinery's: it came from below the harness.
 */
export function faultOf(err: unknown): Fault {
  if (!(err instanceof Error) || err instanceof HarnessError) return "harness";
  if (err instanceof TypeError || err instanceof ReferenceError) return "harness";
  if (err instanceof ScenarioTimeout) return "timeout";
  if (err instanceof InfraError) return err.timedOut ? "timeout" : "infrastructure";
  if (err instanceof AssertionFailed) return "assertion";
  return "infrastructure";
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
