/**
 * The per-run directory on the hypervisor host (`<state>/runs/<runId>/`): owner record, rendered Ignition,
 * client key, known_hosts, domain XML, serial console. QEMU runs as `libvirt-qemu`: the directory is
 * traversable (0711) but not listable, and the Ignition config (it holds the guest's host private key) is
 * readable by root and the QEMU group only.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Owner } from "./owner.js";

export const QEMU_GROUP = "libvirt-qemu";

export function groupId(name: string, groupFile = "/etc/group"): number | undefined {
  try {
    for (const line of readFileSync(groupFile, "utf8").split("\n")) {
      const [group, , gid] = line.split(":");
      if (group === name && gid !== undefined) return Number(gid);
    }
  } catch {
    // no group database
  }
  return undefined;
}

export interface RunFiles {
  dir: string;
  owner: string;
  ignition: string;
  clientKey: string;
  knownHosts: string;
  domainXml: string;
  console: string;
}

export function runFiles(runsDir: string, runId: string): RunFiles {
  const dir = join(runsDir, runId);
  return {
    dir,
    owner: join(dir, "owner.json"),
    ignition: join(dir, "config.ign"),
    clientKey: join(dir, "id_ed25519"),
    knownHosts: join(dir, "known_hosts"),
    domainXml: join(dir, "domain.xml"),
    console: join(dir, "console.log"),
  };
}

/** Creates the run directory; fails when it exists (a run id is used once). */
export function createRunDir(files: RunFiles, owner: Owner): void {
  mkdirSync(join(files.dir, ".."), { recursive: true, mode: 0o755 });
  try {
    mkdirSync(files.dir, { mode: 0o711 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new Error(
        `run directory ${files.dir} already exists: run id ${owner.run_id} is in use (or was not cleaned up; core-ops-verify machine sweep)`,
      );
    }
    throw error;
  }
  chmodSync(files.dir, 0o711);
  writeFileSync(files.owner, `${JSON.stringify(owner, null, 2)}\n`, { mode: 0o644 });
}

/** Writes a file only root and the QEMU group can read (falls back to 0644 without that group). */
export function writeQemuReadable(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  const gid = process.getuid?.() === 0 ? groupId(QEMU_GROUP) : undefined;
  if (gid === undefined) {
    chmodSync(path, 0o644);
    return;
  }
  chownSync(path, 0, gid);
  chmodSync(path, 0o640);
}
