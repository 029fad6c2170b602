/**
 * What tearing down one run removes, in order: the domain, the overlay volume, then the run's files — after
 * copying the console log into the caller's run directory, so `consolePath()` stays valid. Each removal that
 * fails is recorded in the report and the next one still runs (`destroy()` never throws).
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { DestroyReport } from "../machine.js";
import { removeDomain, removeVolume } from "./domain-ops.js";
import type { Virsh } from "./virsh.js";

export interface RunResources {
  virsh: Virsh;
  pool: string;
  /** The domain, when one was defined or started. */
  domain?: string;
  /** The overlay volume, when it was created. */
  volume?: string;
  /** The console log the domain wrote. */
  console: string;
  /** The caller's run directory, where the console log is kept. */
  runDir: string;
  /** The machine layer's own per-run files, removed. */
  filesDir: string;
}

/** Removes what the run created, recording each outcome in `report`; returns the kept console log's path. */
export async function removeRunResources(
  report: DestroyReport,
  r: RunResources,
): Promise<string | undefined> {
  const attempt = async (what: string, work: () => Promise<void> | void) => {
    try {
      await work();
    } catch (error) {
      report.errors.push(`${what}: ${(error as Error).message}`);
    }
  };
  const { domain, volume } = r;
  if (domain !== undefined) {
    await attempt("domain", async () => {
      report.domainRemoved = await removeDomain(r.virsh, domain);
    });
  }
  if (volume !== undefined) {
    await attempt("overlay volume", async () => {
      if (await removeVolume(r.virsh, r.pool, volume)) report.volumesRemoved.push(volume);
    });
  }
  let consoleCopy: string | undefined;
  await attempt("console copy", () => {
    if (existsSync(r.console)) {
      mkdirSync(r.runDir, { recursive: true });
      const copy = join(r.runDir, "console.log");
      if (copy !== r.console) copyFileSync(r.console, copy);
      consoleCopy = copy;
    }
  });
  await attempt("run files", () => {
    rmSync(r.filesDir, { recursive: true, force: true });
    report.filesRemoved = true;
  });
  return consoleCopy;
}
