/**
 * How many VMs run at once: CORE_OPS_VERIFY_JOBS, else VMS_PER_CORE per core, as memory permits.
 * A scenario spends most of its wall waiting on its guest (boot, systemd, Podman), not computing, so more
 * guests than cores still shorten the corpus; VMS_PER_CORE is measured with `npm run bench:harness`
 * (BENCH_JOBS=1,2,3; the figures are in README "Verification scenarios"). Memory caps it: at most half of the
 * available memory goes to guests, GUEST_FOOTPRINT_MIB each (the 1 GiB profile plus QEMU's own).
 */
import { availableParallelism, freemem } from "node:os";

export const VMS_PER_CORE = 1.5;
export const GUEST_FOOTPRINT_MIB = 1536;

export function verifyJobs(
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
  availableMiB: number = freemem() / 2 ** 20,
): number {
  const raw = env.CORE_OPS_VERIFY_JOBS;
  if (raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`CORE_OPS_VERIFY_JOBS must be a positive integer, not ${JSON.stringify(raw)}`);
    return n;
  }
  const byMemory = Math.floor(availableMiB / 2 / GUEST_FOOTPRINT_MIB);
  return Math.max(1, Math.min(Math.round(cores * VMS_PER_CORE), byMemory));
}
