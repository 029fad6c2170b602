/** The effects apply runs with, created at the CLI edge: the real host, or an offline root. */
import type { ExecutorPorts } from "../apply/executor.js";
import type { BackupSink } from "../apply/ports.js";
import { NodeHostFs } from "../effects/host-fs.js";
import { OfflineSystemd } from "../effects/offline-systemd.js";
import { PodmanContainers } from "../effects/podman.js";
import { GeneratorDryRun } from "../effects/quadlet-dryrun.js";
import { RootResolver } from "../effects/root-resolver.js";
import { SystemctlSystemd } from "../effects/systemctl.js";
import type { ManagedDirs } from "../resources/from-desired.js";
import { backupDirFor, checkBackupDir, saveBackup } from "../state/backups.js";
import { resolveStateFile } from "../state/status.js";

export interface CountedPorts extends ExecutorPorts {
  fs: NodeHostFs;
  backups: BackupSink;
  /** systemctl invocations made (always 0 for an offline root). */
  systemctlCalls(): number;
}

/**
 * Where this run keeps backups: `backup/` next to the state file it records to; without one (stateless,
 * --force-no-state) next to where the state file would be (CORE_OPS_STATE_FILE, else the default) —
 * inside the offline root when there is one, so a `--root` run never writes outside it and its state.
 */
export function backupDirForRun(
  stateFile: string | null,
  root: string | null,
  env: NodeJS.ProcessEnv,
): string {
  if (stateFile !== null) return backupDirFor(stateFile);
  const logical = backupDirFor(resolveStateFile(undefined, env));
  return root === null ? logical : new RootResolver(root).resolve(logical, { followLeaf: true });
}

export function createApplyPorts(root: string | null, dirs: ManagedDirs, backupDir: string): CountedPorts {
  const resolver = new RootResolver(root);
  checkBackupDir(backupDir, [
    resolver.resolve(dirs.quadletDir, { followLeaf: true }),
    resolver.resolve(dirs.unitDir, { followLeaf: true }),
  ]);
  const backups: BackupSink = { dir: backupDir, save: (item) => saveBackup(backupDir, item) };
  const fs = new NodeHostFs(root);
  if (root !== null)
    return {
      fs,
      systemd: new OfflineSystemd(fs, dirs.unitDir),
      dryRun: null,
      backups,
      systemctlCalls: () => 0,
    };
  const systemd = new SystemctlSystemd();
  return {
    fs,
    systemd,
    dryRun: new GeneratorDryRun(),
    containers: new PodmanContainers(),
    backups,
    systemctlCalls: () => systemd.calls,
  };
}
