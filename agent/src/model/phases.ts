/** The phases of one apply run and their progression events (the result view lists them, `-v` prints them). */
import { z } from "zod";

export const PhaseSchema = z.enum([
  "resolution",
  "graph_construction",
  "planning",
  "execution",
  "convergence_check",
  "final_summary",
]);

export const PhaseEventSchema = z.object({
  phase: PhaseSchema,
  state: z.enum(["started", "completed", "failed", "skipped"]),
  sequence: z.number().int().nonnegative(),
});
export type PhaseEvent = z.infer<typeof PhaseEventSchema>;
