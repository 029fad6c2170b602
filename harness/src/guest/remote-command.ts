/**
 * How a command runs in the guest (pure): under `timeout --signal=KILL` (which signals its whole process
 * group, so children die too), as root through `sudo -n` unless asked otherwise.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function remoteCommand(command: string, options: { asRoot: boolean; timeoutMs: number }): string {
  const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  const inner = `timeout --signal=KILL ${seconds} sh -c ${shellQuote(command)}`;
  return options.asRoot ? `sudo -n ${inner}` : inner;
}

/** `timeout --signal=KILL` exits 128+9 when it had to kill the command. */
export const KILLED_BY_TIMEOUT_EXIT = 137;

export function isTimeout(exitCode: number, durationMs: number, timeoutMs: number): boolean {
  return exitCode === KILLED_BY_TIMEOUT_EXIT && durationMs >= timeoutMs - 1000;
}
