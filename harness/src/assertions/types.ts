/** What an assertion evaluator sees and returns (the `assertion_results[]` entries of `verification_run`). */
import { z } from "zod";
import type { StepResult } from "../steps/result.js";
import type { ScenarioMachine } from "../steps/verbs.js";
import type { GuestFacts } from "./guest-facts.js";

export const AssertionStatusSchema = z.enum(["passed", "failed", "timed_out", "not_evaluated"]);
export type AssertionStatus = z.infer<typeof AssertionStatusSchema>;

export const AssertionResultSchema = z.strictObject({
  assertion_id: z.string(),
  assertion_type: z.string(),
  status: AssertionStatusSchema,
  /** What was expected, in words. */
  expected: z.string(),
  /** What was observed (ANSI stripped, shortened). */
  observed_value: z.string(),
  message: z.string(),
  evidence_refs: z.array(z.string()),
});
export type AssertionResult = z.infer<typeof AssertionResultSchema>;

export interface AssertionContext {
  steps: ReadonlyMap<string, StepResult>;
  /** The guest, while it is still up. */
  vm: ScenarioMachine;
  /** Shared, cached reads from the guest (unit properties, files). */
  facts: GuestFacts;
  /** `systemctl show` snapshots taken right after a step: step id → unit → property → value. */
  snapshots: ReadonlyMap<string, ReadonlyMap<string, Record<string, string>>>;
  /** Values of `${name}` placeholders in expectations (build identity, fixture commits). */
  placeholders: ReadonlyMap<string, string>;
  /** Runs `core-ops plan --json` for the scenario's host in the guest (for `no_pending_changes`). */
  runPlan: () => Promise<StepResult>;
}

export type Verdict = Pick<AssertionResult, "status" | "expected" | "observed_value" | "evidence_refs"> & {
  message?: string;
};

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

export function shorten(text: string, max = 400): string {
  const t = stripAnsi(text).trim();
  return t.length <= max ? t : `${t.slice(0, max)}… (${t.length - max} more characters)`;
}

export function stepOf(ctx: AssertionContext, id: string): StepResult {
  const s = ctx.steps.get(id);
  if (s === undefined) throw new Error(`step ${id} has no result (it did not run)`);
  return s;
}

export const pass = (expected: string, observed: string, refs: string[] = []): Verdict => ({
  status: "passed",
  expected,
  observed_value: observed,
  evidence_refs: refs,
});
export const failed = (expected: string, observed: string, refs: string[] = []): Verdict => ({
  status: "failed",
  expected,
  observed_value: observed,
  evidence_refs: refs,
});
export const verdict = (ok: boolean, expected: string, observed: string, refs: string[] = []): Verdict =>
  ok ? pass(expected, observed, refs) : failed(expected, observed, refs);
