/** How many VMs run at once: CORE_OPS_VERIFY_JOBS, else one per two cores (two TCG guests on two cores are each twice as slow). */
import { availableParallelism } from "node:os";

export function verifyJobs(
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
): number {
  const raw = env.CORE_OPS_VERIFY_JOBS;
  if (raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`CORE_OPS_VERIFY_JOBS must be a positive integer, not ${JSON.stringify(raw)}`);
    return n;
  }
  return Math.max(1, Math.floor(cores / 2));
}
