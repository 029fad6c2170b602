/**
 * The one effect the substrate needs for its host work: run a program, optionally streaming its output
 * line by line to the progress log. A small interface so setup and build logic can be driven by tests.
 */
import { execa } from "execa";
import { InfraError } from "../faults.js";
import type { ProgressLog } from "./progress-log.js";

export interface CommandResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Stream stdout/stderr lines to this log, each prefixed with `prefix`. */
  log?: ProgressLog;
  prefix?: string;
  env?: Record<string, string>;
  input?: string;
  cwd?: string;
  /** Kill the process (SIGKILL) after this long. */
  timeoutMs?: number;
}

export type RunCommand = (
  file: string,
  args: readonly string[],
  options?: CommandOptions,
) => Promise<CommandResult>;

export const runCommand: RunCommand = async (file, args, options = {}) => {
  const command = [file, ...args].join(" ");
  const child = execa(file, [...args], {
    reject: false,
    all: false,
    env: options.env,
    input: options.input,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    killSignal: "SIGKILL",
    stdin: options.input === undefined ? "ignore" : "pipe",
    stripFinalNewline: false,
    lines: false,
  });
  const { log } = options;
  if (log !== undefined) {
    const prefix = options.prefix ?? "  ";
    for (const stream of [child.stdout, child.stderr]) {
      let pending = "";
      stream?.on("data", (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        const lines = pending.split(/\r?\n|\r/);
        pending = lines.pop() ?? "";
        for (const line of lines) if (line.trim() !== "") log(`${prefix}${line}`);
      });
      stream?.on("end", () => {
        if (pending.trim() !== "") log(`${prefix}${pending}`);
      });
    }
  }
  const result = await child;
  const stderr = String(result.stderr ?? "");
  if (typeof result.exitCode !== "number") {
    // Not started (ENOENT), killed by a signal or timed out: say so instead of an empty exit 1.
    const why = result.timedOut
      ? `timed out after ${options.timeoutMs} ms`
      : (result.originalMessage ?? result.message);
    return {
      command,
      exitCode: 127,
      stdout: String(result.stdout ?? ""),
      stderr: `${stderr}\n${why}`.trim(),
    };
  }
  return { command, exitCode: result.exitCode, stdout: String(result.stdout ?? ""), stderr };
};

/** Runs and throws a `SubstrateError` naming the command and its output tail when it exits non-zero. */
export async function mustRun(
  run: RunCommand,
  file: string,
  args: readonly string[],
  options: CommandOptions & { hint?: string } = {},
): Promise<CommandResult> {
  const result = await run(file, args, options);
  if (result.exitCode !== 0) {
    const tail = `${result.stderr}\n${result.stdout}`.trim().split("\n").slice(-15).join("\n");
    throw new SubstrateError(
      `\`${result.command}\` failed with exit code ${result.exitCode}${tail ? `:\n${tail}` : ""}`,
      options.hint,
    );
  }
  return result;
}

/** An error of the host substrate (setup, image build): what failed and what to do about it. */
export class SubstrateError extends InfraError {
  override readonly name: string = "SubstrateError";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message}\nhint: ${hint}` : message);
  }
}
