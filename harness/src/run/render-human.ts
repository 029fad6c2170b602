/** The human summary of a scenario run (stdout without --json). Pure. */
import type { ScenarioRun } from "./types.js";

const MARK: Record<string, string> = {
  passed: "ok",
  failed: "FAIL",
  timed_out: "TIMEOUT",
  skipped: "skip",
  pending: "…",
};

export function renderRun(run: ScenarioRun): string {
  const s = run.loaded.scenario;
  const lines = [
    `${s.scenario_id}: ${run.classification.outcome}${run.classification.observed !== run.classification.outcome ? ` (observed ${run.classification.observed})` : ""}`,
  ];
  lines.push(`  ${run.classification.summary}`);
  for (const st of run.steps) {
    lines.push(
      `  step ${MARK[st.status] ?? st.status} ${st.step_id} (${st.duration_ms} ms)${st.status === "passed" ? "" : ` — ${st.details}`}`,
    );
  }
  for (const a of run.assertions) {
    lines.push(
      `  assert ${MARK[a.status] ?? a.status} ${a.assertion_id}${a.status === "passed" ? "" : ` — ${a.message}`}`,
    );
  }
  for (const w of run.warnings) lines.push(`  warning: ${w}`);
  lines.push(`  bundle: ${run.bundle.bundle_path} (${run.bundle.collection_status})`);
  if (run.access) {
    lines.push(
      "  guest retained for debugging:",
      `    ssh: ${run.access.ssh}`,
      `    console: ${run.access.consolePath}`,
      `    ${run.access.virshConsole}`,
      `    remove it with: ${run.access.destroy}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
