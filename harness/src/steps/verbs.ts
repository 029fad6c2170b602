/**
 * Test verbs over a `Machine` (as the NixOS test driver's `execute`/`succeed`/`fail`): `exec` never throws on
 * a non-zero exit, `succeed` throws `AssertionFailed` unless the command exits 0, `fail` is the inverse.
 * A failure of the machinery itself (SSH down, libvirt) becomes an `InfraError`.
 */

import { AssertionFailed, errorText, InfraError } from "../faults.js";
import type { HarnessLog } from "../harness-log.js";
import type { ExecOptions, ExecResult, Machine } from "../machine.js";
import { retry } from "../retry.js";

function tail(text: string, lines = 20): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export class ScenarioMachine {
  constructor(
    readonly machine: Machine,
    private readonly log: HarnessLog,
  ) {}

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    try {
      const r = await this.machine.exec(command, { asRoot: true, ...options });
      this.log.info(
        `exec ${JSON.stringify(command)} → ${r.timedOut ? "timed out" : `exit ${r.exitCode}`} in ${r.durationMs} ms`,
      );
      return r;
    } catch (err) {
      throw new InfraError(`guest exec of ${JSON.stringify(command)} failed: ${errorText(err)}`, {
        cause: err,
      });
    }
  }

  async succeed(command: string, options: ExecOptions = {}): Promise<string> {
    const r = await this.exec(command, options);
    if (r.timedOut || r.exitCode !== 0) {
      throw new AssertionFailed(
        `command ${JSON.stringify(command)} ${r.timedOut ? "timed out" : `exited ${r.exitCode}`}; expected success\n${tail(r.stdout + r.stderr)}`,
      );
    }
    return r.stdout;
  }

  async fail(command: string, options: ExecOptions = {}): Promise<string> {
    const r = await this.exec(command, options);
    if (r.exitCode === 0) {
      throw new AssertionFailed(`command ${JSON.stringify(command)} succeeded; expected failure`);
    }
    return r.stdout + r.stderr;
  }

  async waitUntilSucceeds(command: string, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    const { attempts } = await retry(
      async ({ lastTry }) => {
        const r = await this.exec(command, { timeoutMs: Math.min(timeoutMs, 30_000) });
        if (r.exitCode === 0 && !r.timedOut) return true;
        if (lastTry) this.log.info(`last try of ${command}: exit ${r.exitCode}: ${tail(r.stderr, 3)}`);
        return undefined;
      },
      { timeoutMs, intervalMs: 2000, what: `waiting for ${JSON.stringify(command)} to succeed`, signal },
    );
    return attempts;
  }

  /** `systemctl show` properties of a unit, as a name → value map. */
  async unitProperties(unit: string, properties: readonly string[]): Promise<Record<string, string>> {
    const args = properties.map((p) => `-p ${p}`).join(" ");
    const out = await this.succeed(`systemctl show ${args} -- '${unit.replaceAll("'", "")}'`);
    return parseProperties(out);
  }
}

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
