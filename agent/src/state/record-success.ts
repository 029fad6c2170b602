/**
 * Recording a converged apply, in the one order that survives SIGKILL at any point (README.md "State
 * directory"): 1. every file content into the store (durable), 2. snapshots.json naming them, 3.
 * status.json saying `success`, 4. garbage collection of contents no snapshot names any more. status.json
 * therefore never says success before the snapshot and contents of that success are durable; a crash
 * before step 3 leaves `in_progress`, which the next run reads and converges from.
 */
import type { DesiredState } from "../desired/model.js";
import { collectGarbage, objectsDirFor, putObject } from "./content-store.js";
import { toDesiredSnapshot } from "./snapshot-desired.js";
import { referencedDigests, retainSnapshot, snapshotsPathFor } from "./snapshots.js";
import { type Status, writeStatusAtomic } from "./status.js";

export interface SuccessRecord {
  stateFile: string;
  revision: string;
  desired: DesiredState;
  appliedAt: string;
  /** The final status.json (reconciliation `success`). */
  status: Status;
}

/** Returns notes for the result (a failed collection is only a note: the next success collects again). */
export async function recordSuccess(r: SuccessRecord): Promise<string[]> {
  const objects = objectsDirFor(r.stateFile);
  const snapshot = {
    revision: r.revision,
    host: r.desired.host,
    repository: r.desired.source.repository,
    requested_ref: r.desired.source.requestedRef,
    applied_at: r.appliedAt,
    desired: toDesiredSnapshot(r.desired, (bytes) => putObject(objects, bytes)),
  };
  const file = retainSnapshot(snapshotsPathFor(r.stateFile), snapshot, objects);
  await writeStatusAtomic(r.stateFile, r.status);
  try {
    collectGarbage(objects, referencedDigests(file));
    return [];
  } catch (err) {
    return [
      `content store ${objects} not collected (the next converged run retries): ${(err as Error).message}`,
    ];
  }
}
