/** `expected_exit_behavior`: zero (default), nonzero, or an exact code. */
import type { ExitBehavior } from "../scenario/schema.js";

export function exitMatches(expected: ExitBehavior | undefined, code: number): boolean {
  if (expected === undefined || expected === "zero") return code === 0;
  if (expected === "nonzero") return code !== 0;
  return code === expected;
}

export function describeExit(expected: ExitBehavior | undefined): string {
  if (expected === undefined || expected === "zero") return "exit 0";
  if (expected === "nonzero") return "a non-zero exit";
  return `exit ${expected}`;
}
