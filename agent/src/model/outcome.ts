/** The outcome of one apply: why the run stopped (apply/outcome.ts decides it, README "Outcomes of an apply"). */
import { z } from "zod";

export const OutcomeSchema = z.enum([
  "converged",
  "converged_with_tolerated_variance",
  "partially_applied",
  "failed",
  "non_converging",
]);
export type Outcome = z.infer<typeof OutcomeSchema>;
