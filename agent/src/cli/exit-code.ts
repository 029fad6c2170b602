/** Lets a subcommand ask for a non-zero exit without throwing (e.g. `plan --detailed-exitcode` → 2). */
let requested: number | undefined;

export function requestExitCode(code: number): void {
  requested = code;
}

export function takeRequestedExitCode(): number | undefined {
  const c = requested;
  requested = undefined;
  return c;
}
