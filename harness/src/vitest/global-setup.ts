/**
 * Global setup of the `scenarios` project: prepares the substrate once (host setup, guest image, agent
 * binary) before any VM starts. A failure does not abort collection: it is handed to every scenario, which
 * then fails with the message saying how to fix it (a scenario never silently skips).
 */
import type { TestProject } from "vitest/node";
import "./meta.js";
import { errorText } from "../faults.js";
import { findRepoRoot } from "../repo-root.js";
import { ensureAgentBinary } from "../run/agent-binary.js";
import { prepareHost } from "../run/substrate.js";

export default async function setup(project: TestProject): Promise<void> {
  if (process.env.CORE_OPS_VERIFY_SYNTHETIC === "1") {
    project.provide("coreopsSubstrateError", null);
    project.provide("coreopsAgentBinary", null);
    return;
  }
  const log = (line: string) => process.stderr.write(`[core-ops-verify] ${line}\n`);
  try {
    await prepareHost(log);
    project.provide("coreopsSubstrateError", null);
  } catch (err) {
    log(`substrate not ready: ${errorText(err)}`);
    project.provide("coreopsSubstrateError", errorText(err));
  }
  // A scenario that runs core-ops fails with this reason when the binary cannot be built; others still run.
  try {
    project.provide("coreopsAgentBinary", await ensureAgentBinary(findRepoRoot(), log));
  } catch (err) {
    log(`agent binary not available: ${errorText(err)}`);
    project.provide("coreopsAgentBinary", null);
  }
}
