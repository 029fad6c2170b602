/**
 * `core-ops-verify machine destroy <run>`: removes one run's domain, overlay volume and run directory —
 * the way to end a VM retained for debugging. Refuses a run whose owner process is still alive and that is
 * not retained (a sibling's live VM), and a run id of which nothing exists.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { RUN_ID_PATTERN } from "../ignition/readiness-unit.js";
import { domainXml, removeDomain, removeVolume } from "./domain-ops.js";
import { domainName, overlayVolumeName } from "./naming.js";
import { readRunDirOwner } from "./orphan-sweep.js";
import { type Owner, ownerAlive, parseOwnerMetadata } from "./owner.js";
import { readRetained } from "./retained.js";
import type { Virsh } from "./virsh.js";

export class DestroyRefused extends Error {}

export interface DestroyRunReport {
  run_id: string;
  domain_removed: boolean;
  volume_removed: boolean;
  run_dir_removed: boolean;
}

export async function destroyRun(
  virsh: Virsh,
  pool: string,
  runsDir: string,
  runId: string,
  alive: (owner: Owner) => boolean = (owner) => ownerAlive(owner),
): Promise<DestroyRunReport> {
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new DestroyRefused(`run id ${JSON.stringify(runId)} must match ${RUN_ID_PATTERN}`);
  }
  const dir = join(runsDir, runId);
  const xml = await domainXml(virsh, domainName(runId));
  const dirExists = existsSync(dir);
  if (xml === undefined && !dirExists) {
    throw new DestroyRefused(
      `no run ${runId}: neither domain ${domainName(runId)} nor ${dir} exists (core-ops-verify machine list shows the runs)`,
    );
  }
  const owner = (xml === undefined ? undefined : parseOwnerMetadata(xml)) ?? readRunDirOwner(dir);
  if (readRetained(dir) === undefined && owner !== undefined && alive(owner)) {
    throw new DestroyRefused(
      `run ${runId} is not retained and its owner pid ${owner.pid} on ${owner.host} is alive: it is another run's live VM; stop that run instead`,
    );
  }
  const domainRemoved = await removeDomain(virsh, domainName(runId));
  const volumeRemoved = await removeVolume(virsh, pool, overlayVolumeName(runId));
  if (dirExists) rmSync(dir, { recursive: true, force: true });
  return {
    run_id: runId,
    domain_removed: domainRemoved,
    volume_removed: volumeRemoved,
    run_dir_removed: dirExists,
  };
}
