/**
 * `readiness-evidence.json`: what the readiness wait saw and decided (ARCHITECTURE.md "The guest contract").
 */
import { writeFileSync } from "node:fs";
import type { ReadinessEvidence } from "../machine.js";
import type { ReadinessTracker } from "./tracker.js";

export function buildEvidence(
  tracker: ReadinessTracker,
  finalStatus: ReadinessEvidence["final_status"],
  waitedMs: number,
  consolePath: string,
): ReadinessEvidence {
  return {
    final_status: finalStatus,
    accepted: [...tracker.accepted],
    rejected: [...tracker.rejected],
    waited_ms: Math.round(waitedMs),
    console_path: consolePath,
  };
}

export function writeEvidence(path: string, evidence: ReadinessEvidence): void {
  writeFileSync(path, `${JSON.stringify(evidence, null, 2)}\n`);
}
