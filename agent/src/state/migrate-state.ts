/**
 * Upgrades a state directory written by an older core-ops in place (README.md "Upgrades"), under the agent
 * lock, before a command writes state: inline snapshot contents into the store, snapshots.json to its
 * current schema, then status.json — each step durable before the next, each idempotent, so a crash
 * in between is finished by the next run. Hold, inventory and every snapshot are kept.
 */
import { objectsDirFor } from "./content-store.js";
import { persistLegacySnapshots, readSnapshots, snapshotsPathFor } from "./snapshots.js";
import { readStatus, writeStatusAtomic } from "./status.js";

export interface Migration {
  /** Human notes, e.g. "state migrated from schema_version 1". Empty when nothing was old. */
  notes: string[];
}

export async function migrateStateDir(stateFile: string): Promise<Migration> {
  const notes: string[] = [];
  const snaps = readSnapshots(snapshotsPathFor(stateFile));
  if (snaps.kind === "ok" && snaps.legacy) {
    persistLegacySnapshots(snaps, objectsDirFor(stateFile));
    notes.push(
      `snapshots migrated to schema_version 2 (${snaps.file.snapshots.length} kept, contents moved to the content store)`,
    );
  }
  const status = await readStatus(stateFile);
  if (status.kind === "ok" && status.migratedFrom !== null) {
    await writeStatusAtomic(stateFile, status.status);
    notes.push(`status.json migrated from schema_version ${status.migratedFrom} to 2`);
  }
  return { notes };
}
