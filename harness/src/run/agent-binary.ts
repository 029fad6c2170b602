/**
 * The agent's single-file binary (`agent/dist/core-ops`) that scenarios deliver into the guest: built with
 * `npm run build` when it is missing or older than any agent source file.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { InfraError } from "../faults.js";

export function agentBinaryPath(repoRoot: string): string {
  return process.env.CORE_OPS_VERIFY_CORE_OPS_BIN ?? join(repoRoot, "agent", "dist", "core-ops");
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Why the binary must be (re)built, or undefined when it is current. */
export function agentBinaryStaleness(
  repoRoot: string,
  binary = agentBinaryPath(repoRoot),
): string | undefined {
  if (!existsSync(binary)) return `${binary} is missing`;
  const src = join(repoRoot, "agent", "src");
  if (existsSync(src) && newestMtime(src) > statSync(binary).mtimeMs)
    return `${binary} is older than agent/src`;
  return undefined;
}

export async function ensureAgentBinary(repoRoot: string, log: (line: string) => void): Promise<string> {
  const binary = agentBinaryPath(repoRoot);
  if (process.env.CORE_OPS_VERIFY_CORE_OPS_BIN !== undefined) {
    if (!existsSync(binary)) {
      throw new InfraError(`CORE_OPS_VERIFY_CORE_OPS_BIN=${binary} does not exist`);
    }
    return binary;
  }
  const why = agentBinaryStaleness(repoRoot, binary);
  if (why === undefined) {
    log(`agent binary: ${binary} is current`);
    return binary;
  }
  log(`agent binary: ${why}; running npm run build (this takes a minute)`);
  const started = Date.now();
  const r = await execa("npm", ["run", "build"], { cwd: repoRoot, reject: false, all: true });
  if (r.exitCode !== 0 || !existsSync(binary)) {
    throw new InfraError(
      `building the agent binary failed (npm run build, exit ${r.exitCode}); ${binary} ${existsSync(binary) ? "is stale" : "is missing"}.\n${(r.all ?? "").split("\n").slice(-15).join("\n")}`,
    );
  }
  log(`agent binary: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return binary;
}
