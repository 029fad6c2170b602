/**
 * The orphan sweep: finds `coreops-verify-*` domains, overlay volumes and run directories, and removes
 * those whose owner process is gone on this host (never a live sibling's; never anything without an owner
 * record, never a run retained for debugging). Run by `core-ops-verify machine sweep` and before a run
 * creates its machine; `machine sweep --retained` removes the retained runs instead.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { domainXml, listDomainNames, listVolumeNames, removeDomain, removeVolume } from "./domain-ops.js";
import { DOMAIN_PREFIX } from "./naming.js";
import { type Owner, OwnerSchema, ownerAlive, parseOwnerMetadata } from "./owner.js";
import { readRetained } from "./retained.js";
import { planSweep, type SweepInventory, type SweepOptions, type SweepPlan } from "./sweep-plan.js";
import type { Virsh } from "./virsh.js";

export function readRunDirOwner(runDir: string): Owner | undefined {
  try {
    const parsed = OwnerSchema.safeParse(JSON.parse(readFileSync(join(runDir, "owner.json"), "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function takeInventory(virsh: Virsh, pool: string, runsDir: string): Promise<SweepInventory> {
  const domains: SweepInventory["domains"] = [];
  for (const name of await listDomainNames(virsh)) {
    if (!name.startsWith(DOMAIN_PREFIX)) continue;
    const xml = await domainXml(virsh, name);
    domains.push({ name, owner: xml === undefined ? undefined : parseOwnerMetadata(xml) });
  }
  const volumes = (await listVolumeNames(virsh, pool)).filter((v) => v.startsWith(DOMAIN_PREFIX));
  const runDirs = existsSync(runsDir)
    ? readdirSync(runsDir)
        .sort()
        .map((runId) => ({
          runId,
          owner: readRunDirOwner(join(runsDir, runId)),
          retained: readRetained(join(runsDir, runId)) !== undefined,
        }))
    : [];
  return { domains, volumes, runDirs };
}

export interface SweepReport extends SweepPlan {
  errors: string[];
}

export async function sweepOrphans(
  virsh: Virsh,
  pool: string,
  runsDir: string,
  alive: (owner: Owner) => boolean = (owner) => ownerAlive(owner),
  options: SweepOptions = {},
): Promise<SweepReport> {
  const plan = planSweep(await takeInventory(virsh, pool, runsDir), alive, options);
  const errors: string[] = [];
  for (const name of plan.domains) {
    await removeDomain(virsh, name).catch((error: Error) => errors.push(error.message));
  }
  for (const volume of plan.volumes) {
    await removeVolume(virsh, pool, volume).catch((error: Error) => errors.push(error.message));
  }
  for (const runId of plan.runDirs) {
    try {
      rmSync(join(runsDir, runId), { recursive: true, force: true });
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  return { ...plan, errors };
}
