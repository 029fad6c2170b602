/**
 * The orphan sweep's decision (pure): remove only what carries an owner that is provably gone; anything
 * without an owner record, or whose owner is alive (a sibling run), is kept and reported. A run retained for
 * debugging is kept whatever its owner's state, unless the sweep is asked to remove retained runs
 * (`machine sweep --retained`), which then removes them whatever their owner's state.
 */
import { destroyCommand } from "../machine.js";
import { overlayVolumeName, runIdOfDomain, runIdOfVolume } from "./naming.js";
import type { Owner } from "./owner.js";

export interface SweepInventory {
  domains: { name: string; owner: Owner | undefined }[];
  volumes: string[];
  runDirs: { runId: string; owner: Owner | undefined; retained?: boolean }[];
}

export interface SweepOptions {
  /** `keep` (default): a retained run is never removed; `remove`: retained runs are removed, and only they. */
  retained?: "keep" | "remove";
}

export interface SweepPlan {
  domains: string[];
  volumes: string[];
  runDirs: string[];
  kept: { item: string; reason: string }[];
}

export function planSweep(
  inventory: SweepInventory,
  alive: (owner: Owner) => boolean,
  options: SweepOptions = {},
): SweepPlan {
  const plan: SweepPlan = { domains: [], volumes: [], runDirs: [], kept: [] };
  const dirOwner = new Map(inventory.runDirs.map((dir) => [dir.runId, dir.owner]));
  const retainedRuns = new Set(inventory.runDirs.filter((d) => d.retained === true).map((d) => d.runId));
  const removeRetained = options.retained === "remove";
  const volumes = new Set(inventory.volumes);
  const handledRuns = new Set<string>();
  const judge = (item: string, runId: string, owner: Owner | undefined): boolean => {
    if (retainedRuns.has(runId)) {
      if (!removeRetained) {
        plan.kept.push({
          item,
          reason: `retained for debugging (${destroyCommand(runId)}, or machine sweep --retained)`,
        });
      }
      return removeRetained;
    }
    if (removeRetained) return false;
    if (owner === undefined) {
      plan.kept.push({
        item,
        reason: "no owner record (not created by core-ops-verify, or created before owners were recorded)",
      });
      return false;
    }
    if (alive(owner)) {
      plan.kept.push({ item, reason: `owner pid ${owner.pid} on ${owner.host} is alive` });
      return false;
    }
    return true;
  };
  for (const domain of [...inventory.domains].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const runId = runIdOfDomain(domain.name);
    if (runId === undefined) continue;
    handledRuns.add(runId);
    if (!judge(`domain ${domain.name}`, runId, domain.owner ?? dirOwner.get(runId))) continue;
    plan.domains.push(domain.name);
    if (volumes.has(overlayVolumeName(runId))) plan.volumes.push(overlayVolumeName(runId));
    if (dirOwner.has(runId)) plan.runDirs.push(runId);
  }
  for (const volume of [...inventory.volumes].sort()) {
    const runId = runIdOfVolume(volume);
    if (runId === undefined || handledRuns.has(runId)) continue;
    handledRuns.add(runId);
    if (!judge(`volume ${volume}`, runId, dirOwner.get(runId))) continue;
    plan.volumes.push(volume);
    if (dirOwner.has(runId)) plan.runDirs.push(runId);
  }
  for (const dir of [...inventory.runDirs].sort((a, b) => (a.runId < b.runId ? -1 : 1))) {
    if (handledRuns.has(dir.runId)) continue;
    if (!judge(`run directory ${dir.runId}`, dir.runId, dir.owner)) continue;
    plan.runDirs.push(dir.runId);
  }
  return plan;
}
