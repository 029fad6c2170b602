/**
 * The planned action of one object — what the plan decides, what apply executes, what the views show
 * (README "Reading a plan"). Pure vocabulary: this folder imports nothing but zod.
 */
import { z } from "zod";

export const ActionSchema = z.enum([
  "create",
  "update",
  "replace",
  "delete",
  "recover",
  "restart",
  "no_op",
  "blocked",
  "skipped",
]);
export type Action = z.infer<typeof ActionSchema>;

/** Actions that change the host (counted in a plan's `summary.changed_count`). */
export function isChanging(action: Action): boolean {
  return action !== "no_op" && action !== "blocked" && action !== "skipped";
}

/** Changing actions that leave the object running changed: its consumers restart after it. */
export function restartsDependents(action: Action): boolean {
  return isChanging(action) && action !== "delete";
}

/**
 * Actions whose files apply (re)writes. A `no_op` object is material-equal on the host: its tolerated
 * byte-level variance is reported by the plan and left alone, and its files are not re-read.
 */
export function writesFiles(action: Action): boolean {
  return action === "create" || action === "update" || action === "replace" || action === "recover";
}
