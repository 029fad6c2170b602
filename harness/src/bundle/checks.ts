/**
 * Console and journal checks as data (kola's consoleChecks): each has an id, a regex, a severity and a
 * description. `scanText` is pure; the executor runs it over the serial console log and the guest journal.
 */
import { z } from "zod";
import { KERNEL_PANIC_MARKER } from "../readiness/record.js";

export interface GuestCheck {
  id: string;
  description: string;
  regex: RegExp;
  severity: "fail" | "warn";
  /** Which text it applies to. */
  sources: readonly ("console" | "journal")[];
}

export const GUEST_CHECKS: readonly GuestCheck[] = [
  {
    id: "kernel-panic",
    description: "the kernel panicked",
    // The marker the readiness wait stops on: one definition of "the kernel panicked".
    regex: new RegExp(KERNEL_PANIC_MARKER),
    severity: "fail",
    sources: ["console", "journal"],
  },
  {
    id: "kernel-oops",
    description: "a kernel Oops",
    regex: /\bOops: [0-9a-fx]+/,
    severity: "fail",
    sources: ["console", "journal"],
  },
  {
    id: "kernel-bug",
    description: "a kernel BUG",
    regex: /\bBUG: (?:unable to handle|soft lockup|kernel NULL)/,
    severity: "fail",
    sources: ["console", "journal"],
  },
  {
    id: "emergency-mode",
    description: "systemd entered emergency mode",
    regex: /You are in emergency mode|Entering emergency mode|emergency\.target/,
    severity: "fail",
    sources: ["console", "journal"],
  },
  {
    id: "ignition-failed",
    description: "Ignition reported a failure",
    regex: /CORE_OPS_IGNITION_FAILED|Ignition failed|ignition\[\d+\]: .*CRITICAL/,
    severity: "fail",
    sources: ["console", "journal"],
  },
  {
    id: "generator-failed",
    description: "a systemd generator failed (e.g. Quadlet rejected a file)",
    regex:
      /generator .* failed with exit status|\(sd-exec-strv\).*failed with exit status|quadlet-generator\[\d+\]: .*[Ee]rror/,
    severity: "warn",
    sources: ["console", "journal"],
  },
  {
    id: "failed-to-start",
    description: "a unit failed to start",
    regex: /Failed to start .+|\[FAILED\] Failed to start/,
    severity: "warn",
    sources: ["console", "journal"],
  },
  {
    id: "segfault",
    description: "a process segfaulted",
    regex: /segfault at [0-9a-f]+ ip/,
    severity: "warn",
    sources: ["journal", "console"],
  },
];

/** One guest check that matched (the `guest_checks[]` entries of `verification_run`). */
export const FindingSchema = z.strictObject({
  check: z.string(),
  severity: z.enum(["fail", "warn"]),
  source: z.enum(["console", "journal"]),
  line: z.number().int(),
  text: z.string(),
});
export type Finding = z.infer<typeof FindingSchema>;

export function scanText(
  text: string,
  source: "console" | "journal",
  checks: readonly GuestCheck[] = GUEST_CHECKS,
  optOut: readonly string[] = [],
): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split("\n");
  for (const check of checks) {
    if (!check.sources.includes(source) || optOut.includes(check.id)) continue;
    lines.forEach((line, i) => {
      if (check.regex.test(line)) {
        findings.push({
          check: check.id,
          severity: check.severity,
          source,
          line: i + 1,
          text: line.trim().slice(0, 300),
        });
      }
    });
  }
  return findings.sort(
    (a, b) => a.source.localeCompare(b.source) || a.line - b.line || a.check.localeCompare(b.check),
  );
}
