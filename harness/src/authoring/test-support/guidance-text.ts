/** A small spec with complete guidance; `overrides` replaces (or, with undefined, removes) a subsection. */
export function guidanceText(overrides: Partial<Record<string, string>> = {}): string {
  const body: Record<string, string> = {
    "Observable Behaviors":
      "- Applying a revision starts its services.\n- [drift_correction] A hand edit is put back\n  by the next apply.",
    Invariants: "- Nothing unowned is deleted.",
    "Idempotency Expectations": "- A second apply changes nothing.",
    "Failure Modes": "- A broken release is recorded as non_converging.",
    "Upgrade Considerations": "- An upgrade restarts exactly what changed.",
    "Required Scenario Classes": "- convergence — must converge\n- `idempotency`: timer runs",
    ...overrides,
  };
  const parts = Object.entries(body)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `### ${k}\n${v}\n`);
  return `# Feature: x\n\n## Summary\n\ntext\n\n## Verification Guidance\n\n${parts.join("\n")}\n## Out of Scope\n\n- nothing\n`;
}
