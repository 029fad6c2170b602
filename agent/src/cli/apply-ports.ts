/** The effects apply runs with, created at the CLI edge: the real host, or an offline root. */
import type { ExecutorPorts } from "../apply/executor.js";
import { NodeHostFs } from "../effects/host-fs.js";
import { OfflineSystemd } from "../effects/offline-systemd.js";
import { PodmanContainers } from "../effects/podman.js";
import { GeneratorDryRun } from "../effects/quadlet-dryrun.js";
import { SystemctlSystemd } from "../effects/systemctl.js";

export interface CountedPorts extends ExecutorPorts {
  fs: NodeHostFs;
  /** systemctl invocations made (always 0 for an offline root). */
  systemctlCalls(): number;
}

export function createApplyPorts(root: string | null, unitDir: string): CountedPorts {
  const fs = new NodeHostFs(root);
  if (root !== null)
    return { fs, systemd: new OfflineSystemd(fs, unitDir), dryRun: null, systemctlCalls: () => 0 };
  const systemd = new SystemctlSystemd();
  return {
    fs,
    systemd,
    dryRun: new GeneratorDryRun(),
    containers: new PodmanContainers(),
    systemctlCalls: () => systemd.calls,
  };
}
