/**
 * `core-ops init <repo-or-path> <ref>`: start tracking a repository and ref (persisted in status.json).
 * Like every command that writes state it holds the agent lock, so it can neither interleave with a
 * running apply nor be undone by that apply's final write.
 */
import { statSync } from "node:fs";
import type { Command } from "commander";
import { controllerBlock } from "../apply/run-apply.js";
import { CoreOpsError } from "../errors.js";
import { acquireLock, resolveLockPath } from "../state/lock.js";
import { migrateStateDir } from "../state/migrate-state.js";
import {
  neverRunReconciliation,
  readStatus,
  resolveStateFile,
  rfc3339,
  STATUS_SCHEMA_VERSION,
  type Status,
  writeStatusAtomic,
} from "../state/status.js";
import { formatRevision } from "../views/revision.js";
import { printText } from "./output.js";

interface InitOptions {
  force?: boolean;
  stateFile?: string;
  lockPath?: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function register(program: Command): void {
  program
    .command("init")
    .argument("<repository>", "git URL (file://, ssh://, https://) or local path")
    .argument("<ref>", "branch or tag to track")
    .option(
      "--force",
      "replace an existing (or unreadable) tracking configuration; also releases a rollback hold and a quarantine",
    )
    .option(
      "--state-file <file>",
      "status.json path (default: CORE_OPS_STATE_FILE, else /var/lib/core-ops/status.json)",
    )
    .option("--lock-path <file>", "run lock (default: CORE_OPS_LOCK_PATH, else /run/core-ops/agent.lock)")
    .description("track a desired-state repository and ref; resolves the ref and records it in status.json")
    .action(async (repository: string, ref: string, opts: InitOptions) => {
      const stateFile = resolveStateFile(opts.stateFile, process.env);
      if (isDirectory(stateFile))
        throw new CoreOpsError("the state file path is a directory", {
          code: "state_path_is_directory",
          file: stateFile,
          hint: "status.json is a file: remove or rename that directory (--force never deletes a directory), or pass another --state-file",
        });
      const lock = acquireLock(resolveLockPath(opts.lockPath, process.env), "init");
      try {
        await initLocked(repository, ref, opts, stateFile);
      } finally {
        lock.release();
      }
    });
}

async function initLocked(repository: string, ref: string, opts: InitOptions, stateFile: string) {
  await migrateStateDir(stateFile);
  const existing = await readStatus(stateFile);
  if (existing.kind === "invalid" && !opts.force)
    throw new CoreOpsError(`state file ${stateFile} is unreadable: ${existing.reason}`, {
      code: "state_invalid",
      file: stateFile,
      hint: `recover with: core-ops init ${repository} ${ref} --force  (starts a fresh state; the last-applied inventory is lost)`,
    });
  const { fetchRef } = await import("../desired/git-source.js");
  const checkout = await fetchRef(repository, ref);
  await checkout.cleanup();
  const previous = existing.kind === "ok" ? existing.status : null;
  const tracked = previous?.desired_state;
  if (tracked && !opts.force && (tracked.repository !== checkout.repository || tracked.requested_ref !== ref))
    throw new CoreOpsError(
      `already tracking ${tracked.repository} ${tracked.requested_ref}; refusing to replace it with ${checkout.repository} ${ref}`,
      {
        code: "already_initialized",
        file: stateFile,
        hint: `pass --force to replace the tracking: core-ops init ${repository} ${ref} --force`,
      },
    );
  const now = rfc3339(new Date());
  const status: Status = {
    schema_version: STATUS_SCHEMA_VERSION,
    controller: controllerBlock(),
    desired_state: {
      repository: checkout.repository,
      requested_ref: ref,
      last_observed_revision: checkout.revision,
      last_observed_at: now,
    },
    reconciliation: previous?.reconciliation ?? neverRunReconciliation(),
    hold: opts.force ? null : (previous?.hold ?? null),
    inventory: previous?.inventory ?? [],
    // --force re-attaches deliberately: it also releases a quarantine (README "Quarantine of a failed revision").
    last_failure: opts.force ? null : (previous?.last_failure ?? null),
  };
  await writeStatusAtomic(stateFile, status);
  printText(`initialized: tracking ${checkout.repository} @ ${formatRevision(checkout.revision, ref)}\n`);
}
