/**
 * Errors classed by who is at fault (NixOS errors.py, kola): the scenario's claim did not hold
 * (`AssertionFailed`), the machinery under the test failed (`InfraError`: hypervisor, boot, SSH), the run
 * ran out of time (`ScenarioTimeout`), or the harness itself is wrong (`HarnessError`). The outcome of a
 * run follows from the class; only `InfraError` during bring-up is retried.
 */

export class AssertionFailed extends Error {
  override readonly name = "AssertionFailed";
}

export class InfraError extends Error {
  override readonly name = "InfraError";
  constructor(
    message: string,
    readonly phase: "bring-up" | "step" | "evidence" | "teardown",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ScenarioTimeout extends Error {
  override readonly name = "ScenarioTimeout";
  constructor(
    message: string,
    readonly elapsedMs: number,
    readonly limitMs: number,
  ) {
    super(message);
  }
}

export class HarnessError extends Error {
  override readonly name = "HarnessError";
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
