/** The real `Systemd`: systemctl through execa. Every call is counted (the bench reports the count). */
import { execa } from "execa";
import {
  type InstallInfo,
  type Systemd,
  SystemdOperationError,
  type UnitProperties,
} from "../apply/ports.js";
import { showBlocks, showProperties } from "./systemctl-show.js";

export class SystemctlSystemd implements Systemd {
  readonly mode = "host" as const;
  calls = 0;
  constructor(private readonly binary = "systemctl") {}

  private async run(args: string[], operation: string, unit: string | null): Promise<string> {
    return (await this.runBoth(args, operation, unit)).stdout;
  }

  private async runBoth(
    args: string[],
    operation: string,
    unit: string | null,
  ): Promise<{ stdout: string; stderr: string }> {
    this.calls += 1;
    const res = await execa(this.binary, args, { reject: false, stdin: "ignore", timeout: 15 * 60_000 });
    if (res.exitCode !== 0) {
      const detail = `${String(res.stderr).trim() || String(res.stdout).trim() || `exit ${res.exitCode}`}`;
      throw new SystemdOperationError(operation, unit, detail);
    }
    return { stdout: String(res.stdout), stderr: String(res.stderr) };
  }

  async daemonReload(): Promise<void> {
    await this.run(["daemon-reload"], "daemon-reload", null);
  }

  async show(units: readonly string[], properties: readonly string[]): Promise<UnitProperties[]> {
    if (units.length === 0) return [];
    const out = await this.run(["show", `--property=${properties.join(",")}`, "--", ...units], "show", null);
    return parseShowOutput(out, units.length);
  }

  async start(unit: string): Promise<void> {
    await this.run(["start", "--", unit], "start", unit);
  }
  async stop(unit: string): Promise<void> {
    await this.run(["stop", "--", unit], "stop", unit);
  }
  async resetFailed(unit: string): Promise<void> {
    await this.run(["reset-failed", "--", unit], "reset-failed", unit);
  }
  async restart(unit: string): Promise<void> {
    await this.run(["restart", "--", unit], "restart", unit);
  }
  async enable(unit: string, _unitPath: string, _install: InstallInfo): Promise<boolean> {
    return changedLinks(await this.runBoth(["enable", "--", unit], "enable", unit));
  }
  async disable(unit: string, _unitPath: string, _install: InstallInfo): Promise<boolean> {
    return changedLinks(await this.runBoth(["disable", "--", unit], "disable", unit));
  }
  async isActive(unit: string): Promise<string> {
    this.calls += 1;
    const res = await execa(this.binary, ["is-active", "--", unit], { reject: false, stdin: "ignore" });
    return String(res.stdout).trim();
  }
}

/**
 * Whether `systemctl enable`/`disable` changed a link. systemctl reports each link it creates or removes
 * ("Created symlink …", "Removed …") on stderr, not stdout, and prints nothing when there was nothing to do.
 */
export function changedLinks(out: { stdout: string; stderr: string }): boolean {
  return /^(Created symlink|Removed )/m.test(`${out.stdout}\n${out.stderr}`);
}

/** `systemctl show` output as one property record per unit, in order (systemctl-show.ts parses it). */
export function parseShowOutput(out: string, expected: number): UnitProperties[] {
  const blocks = showBlocks(out).map(showProperties);
  if (blocks.length !== expected)
    throw new SystemdOperationError(
      "show",
      null,
      `expected ${expected} property blocks, got ${blocks.length}`,
    );
  return blocks;
}
