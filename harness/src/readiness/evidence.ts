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

/** Writes the evidence with the console lines it quotes and the tokens it accepted passed through `redact`. */
export function writeEvidence(
  path: string,
  evidence: ReadinessEvidence,
  redact: (text: string) => string,
): void {
  const redacted: ReadinessEvidence = {
    ...evidence,
    rejected: evidence.rejected.map((r) => ({ ...r, line: redact(r.line) })),
    accepted: evidence.accepted.map((r) => ({ ...r, token: redact(r.token) })),
  };
  writeFileSync(path, `${JSON.stringify(redacted, null, 2)}\n`);
}
