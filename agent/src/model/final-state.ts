/** Where one object ended after apply (the result view's `final_state`). */
import { z } from "zod";

export const FinalStateSchema = z.enum(["succeeded", "failed", "blocked", "skipped", "no_op"]);
export type FinalState = z.infer<typeof FinalStateSchema>;
