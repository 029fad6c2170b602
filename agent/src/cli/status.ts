/** `core-ops status`: the canonical snapshot; missing, partial, invalid or unsupported → absent (exit 0). */
import type { Command } from "commander";
import { controllerBlock } from "../apply/run-apply.js";
import { admit } from "../state/admission.js";
import { backupDirFor, readBackupIndex } from "../state/backups.js";
import { inspectLock, resolveLockPath } from "../state/lock.js";
import { retryPolicyFromEnv } from "../state/quarantine.js";
import { readStatus, resolveStateFile } from "../state/status.js";
import { VIEW_SCHEMA_VERSION } from "../views/common.js";
import { renderStatus } from "../views/render-status.js";
import type { StatusView } from "../views/status-view.js";
import { printJson, printText } from "./output.js";

export function register(program: Command): void {
  program
    .command("status")
    .option(
      "--state-file <file>",
      "status.json path (default: CORE_OPS_STATE_FILE, else /var/lib/core-ops/status.json)",
    )
    .option("--lock-path <file>", "run lock (default: CORE_OPS_LOCK_PATH, else /run/core-ops/agent.lock)")
    .option("--json", "print the status view model as one JSON document")
    .description("show provenance and reconciliation state from status.json")
    .action(async (opts: { stateFile?: string; lockPath?: string; json?: boolean }) => {
      const stateFile = resolveStateFile(opts.stateFile, process.env);
      const lockPath = resolveLockPath(opts.lockPath, process.env);
      const read = await readStatus(stateFile);
      const backupDir = backupDirFor(stateFile);
      const backups = readBackupIndex(backupDir);
      const view: StatusView = {
        view_kind: "status",
        schema_version: VIEW_SCHEMA_VERSION,
        state_file: stateFile,
        status: read.kind === "ok" ? "present" : "absent",
        absent_reason: read.kind === "ok" ? null : read.kind === "absent" ? "missing" : read.reason,
        running_controller: controllerBlock(),
        snapshot: read.kind === "ok" ? read.status : null,
        backups: {
          dir: backupDir,
          entries: backups.kind === "ok" ? backups.index.entries : [],
          invalid_reason: backups.kind === "ok" ? null : backups.reason,
        },
        admission:
          read.kind === "ok"
            ? admit(read.status, read.status.desired_state?.last_observed_revision ?? null, {
                retryPolicy: retryPolicyFromEnv(process.env),
              })
            : null,
        migrated_from: read.kind === "ok" ? read.migratedFrom : null,
        lock: { path: lockPath, ...inspectLock(lockPath) },
      };
      if (opts.json) printJson(view);
      else printText(renderStatus(view));
    });
}
