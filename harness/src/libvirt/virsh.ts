/**
 * The `Virsh` effect: every libvirt call of the machine layer goes through this small interface, so the
 * logic above it (domain lifecycle, sweep) can be read and unit-tested without a hypervisor.
 */
import { execa } from "execa";
import { InfraError } from "../faults.js";

export interface VirshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Virsh {
  readonly uri: string;
  /** Runs `virsh -c <uri> <args>`; throws `VirshError` on a non-zero exit unless `allowFailure`. */
  run(
    args: readonly string[],
    options?: { allowFailure?: boolean; timeoutMs?: number },
  ): Promise<VirshResult>;
}

export class VirshError extends InfraError {
  override readonly name = "VirshError";
  constructor(
    readonly args: readonly string[],
    readonly result: VirshResult,
  ) {
    super(
      `virsh ${args.join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
}

export function execaVirsh(uri: string): Virsh {
  return {
    uri,
    async run(args, options = {}) {
      const child = await execa("virsh", ["-c", uri, ...args], {
        reject: false,
        timeout: options.timeoutMs ?? 120_000,
        stdin: "ignore",
      });
      const result: VirshResult = {
        exitCode: child.exitCode ?? (child.timedOut ? 124 : 1),
        stdout: child.stdout,
        stderr: child.timedOut ? `timed out after ${options.timeoutMs ?? 120_000} ms` : child.stderr,
      };
      if (result.exitCode !== 0 && options.allowFailure !== true) throw new VirshError(args, result);
      return result;
    },
  };
}
