/** Test support: run the built `npx core-ops` entry (agent/bin/core-ops.js) as a real process. */
import { join } from "node:path";
import { execa } from "execa";

export const BIN = join(import.meta.dirname, "..", "..", "..", "bin", "core-ops.js");

/** Runs the CLI with state-file and host defaults cleared from the environment unless `env` sets them. */
export async function runBuiltCli(args: string[], env: Record<string, string> = {}) {
  const r = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    stripFinalNewline: false,
    env: { CORE_OPS_STATE_FILE: "", CORE_OPS_HOST: "", ...env },
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
