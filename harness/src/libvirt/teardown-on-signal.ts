/**
 * Teardown on SIGINT/SIGTERM: machines created by this process register here and unregister only once their
 * teardown has finished (a teardown the run started itself is still under way until then). On the first such
 * signal every registered machine is destroyed — `destroy()` hands back the teardown already under way, if
 * any — and only when all have finished are the handlers removed and the signal raised again, so the process
 * ends as it would have, with no domain left. Handlers exist only while at least one machine is registered,
 * so a process without machines keeps its normal signal behaviour. (A process-wide registry by nature:
 * signals are process-wide.)
 */
export interface Teardownable {
  readonly name: string;
  destroy(): Promise<unknown>;
}

const live = new Set<Teardownable>();
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let installed = false;
let tearingDown = false;

function onSignal(signal: NodeJS.Signals): void {
  if (tearingDown) return;
  tearingDown = true;
  const machines = [...live];
  process.stderr.write(
    `core-ops-verify: ${signal}: tearing down ${machines.length} machine(s): ${machines.map((m) => m.name).join(", ")}\n`,
  );
  void Promise.allSettled(machines.map((machine) => machine.destroy())).then(() => {
    uninstall();
    process.kill(process.pid, signal);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

export function trackForTeardown(machine: Teardownable): void {
  live.add(machine);
  install();
}

export function untrackForTeardown(machine: Teardownable): void {
  live.delete(machine);
  if (live.size === 0 && !tearingDown) uninstall();
}
