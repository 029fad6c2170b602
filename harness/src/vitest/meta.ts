/** Structured scenario results in `task.meta` (typed by augmenting Vitest's TaskMeta), for reporters. */
import type { Outcome } from "../scenario/schema.js";

export interface ScenarioMeta {
  scenario_id: string;
  run_id: string;
  outcome: Outcome;
  observed_outcome: Outcome;
  bundle_path: string;
  collection_status: string;
  steps: { step_id: string; status: string; duration_ms: number }[];
  assertions: { assertion_id: string; status: string }[];
  timeline: { kind: string; name: string; duration_ms: number; guest_ms?: number }[];
  wall_ms: number;
}

declare module "vitest" {
  interface TaskMeta {
    coreops?: ScenarioMeta;
  }
  interface ProvidedContext {
    /** Set by the global setup when the VM substrate could not be prepared: why, and how to fix it. */
    coreopsSubstrateError: string | null;
    /** Host path of the agent binary prepared by the global setup. */
    coreopsAgentBinary: string | null;
  }
}
