/**
 * The executor (ARCHITECTURE.md "Pipeline"): runs an ordered plan against a host through the
 * `Systemd` and `HostFs` ports and reports what actually executed. It sequences the phases; each is
 * its own module, and all share one account of events and failures (execution-context.ts):
 *
 *   1. (the mass-delete refusal is run-apply's, before anything is recorded: mass-delete.ts);
 *   2. removals, in plan order (removal.ts);
 *   3. writes, in plan order, only of files whose bytes, mode or owner differ; then the removed objects'
 *      files and stale files (debris.ts, write-objects.ts, backup-before-change.ts);
 *   4. `daemon-reload` when a unit-like file changed (unless --no-reload); every expected unit loaded
 *      (load-check.ts);
 *   5. native units enabled from `[Install]`; new units started; changed units and the objects the plan
 *      restarts (`restart`: the consumers of a changed binding prerequisite, e.g. of a changed rendered
 *      file; `recover`) restarted (activation.ts);
 *   6. verification with a bounded activation wait and restart-loop detection, retried up to the budget
 *      (verify-loop.ts, verify-pass.ts, verification.ts).
 * In offline-root mode steps 4–6 are file-level: enablement as symlinks, then every desired file is
 * re-read and compared (offline-check.ts, ARCHITECTURE.md "Offline root").
 */

import { activatePhase, enableAll, restartSet } from "./activation.js";
import { ExecutionContext, type ExecutorPorts } from "./execution-context.js";
import { reloadPhase } from "./load-check.js";
import type { ApplyObject, ApplyOptions, ExecutionResult } from "./model.js";
import { offlineConvergence } from "./offline-check.js";
import { stopPhase } from "./removal.js";
import { verifyLoop } from "./verify-loop.js";
import { writePhase } from "./write-objects.js";

export type { ExecutorPorts } from "./execution-context.js";

/** What leaves (`delete`) and what stays and is written or activated (neither blocked nor skipped). */
function partition(objects: readonly ApplyObject[]): { deletes: ApplyObject[]; keeps: ApplyObject[] } {
  return {
    // The plan lists deletes in reverse topological order already (dependents before what they need).
    deletes: objects.filter((o) => o.action === "delete"),
    keeps: objects.filter((o) => o.action !== "delete" && o.action !== "blocked" && o.action !== "skipped"),
  };
}

export async function executePlan(
  objects: readonly ApplyObject[],
  ports: ExecutorPorts,
  opts: ApplyOptions,
  sequenceStart = 0,
): Promise<ExecutionResult> {
  const ctx = new ExecutionContext(objects, ports, opts, sequenceStart);
  // A blocked object (missing prerequisite or mountpoint) is not converged: the apply says so and
  // last_applied does not advance; retrying cannot fix it (the input or the host must change).
  for (const o of objects)
    if (o.action === "blocked") ctx.fail(o.id, "blocked_prerequisite", o.blockedBy ?? "blocked by the plan");
  const { deletes, keeps } = partition(objects);

  await ctx.timed("stops_ms", () => stopPhase(ctx, keeps, deletes));
  const { changedObjects, unitFilesChanged } = await ctx.timed("writes_ms", () =>
    writePhase(ctx, keeps, deletes),
  );
  if (ctx.offline) {
    await enableAll(ctx, keeps);
    return offlineConvergence(ctx, keeps, deletes, changedObjects);
  }
  await reloadPhase(ctx, keeps, unitFilesChanged);
  await ctx.timed("enable_ms", () => enableAll(ctx, keeps));
  await activatePhase(ctx, keeps, restartSet(keeps, changedObjects));
  return verifyLoop(ctx, keeps);
}
