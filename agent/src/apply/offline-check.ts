/**
 * The offline-root (`--root`) convergence check: with no systemd to ask, apply verifies files — every
 * desired file it (re)wrote is re-read and compared (bytes, mode, and owner when running as root), and
 * every removed path is gone — one attempt, recorded as one `verify files` event.
 */

import { writesFiles } from "../model/actions.js";
import type { Attempt, ObjectFailure } from "../model/execution.js";
import { classifyAttempts, failureSignature } from "./convergence.js";
import type { ExecutionContext } from "./execution-context.js";
import { executionResult } from "./execution-result.js";
import type { ApplyObject, DesiredFile, ExecutionResult } from "./model.js";
import type { HostFs } from "./ports.js";

/** True when the host file at `f.path` is not exactly `f` (kind, mode, owner when root, bytes). */
export function fileDiffers(fs: HostFs, f: DesiredFile, uid: number, gid: number): boolean {
  const facts = fs.stat(f.path);
  if (facts?.kind !== "file") return true;
  if ((facts.mode & 0o7777) !== f.mode) return true;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && (facts.uid !== uid || facts.gid !== gid)) return true;
  return !fs.sameContent(f.path, f.content);
}

/** `file_mismatch` failures of the written and removed objects (objects that already failed are skipped). */
export function offlineFileFailures(
  fs: HostFs,
  keeps: readonly ApplyObject[],
  deletes: readonly ApplyObject[],
  failed: (id: string) => boolean,
): ObjectFailure[] {
  const failures: ObjectFailure[] = [];
  for (const o of keeps) {
    if (failed(o.id) || !writesFiles(o.action)) continue;
    for (const f of o.files) {
      const uid = fs.uid(f.owner) ?? -1;
      const gid = fs.gid(f.group) ?? -1;
      if (fileDiffers(fs, f, uid, gid))
        failures.push({ object: o.id, reason: "file_mismatch", detail: `${f.path} differs after apply` });
    }
  }
  for (const o of deletes)
    for (const p of o.removePaths)
      if (fs.stat(p)) failures.push({ object: o.id, reason: "file_mismatch", detail: `${p} still present` });
  return failures;
}

/** The offline convergence check after the writes: the result of the one file-level attempt. */
export function offlineConvergence(
  ctx: ExecutionContext,
  keeps: readonly ApplyObject[],
  deletes: readonly ApplyObject[],
  changedObjects: ReadonlySet<string>,
): ExecutionResult {
  ctx.phase = "convergence_check";
  const failures: ObjectFailure[] = [
    ...ctx.failures.values(),
    ...offlineFileFailures(ctx.ports.fs, keeps, deletes, (id) => ctx.failures.has(id)),
  ];
  for (const f of failures) if (!ctx.failures.has(f.object)) ctx.failures.set(f.object, f);
  const signature = failureSignature(failures);
  ctx.record(
    null,
    "verify",
    "files",
    failures.length === 0 ? "succeeded" : "failed",
    failures.length ? signature : null,
  );
  const attempts: Attempt[] = [{ attempt: 1, signature, failures }];
  const verdict = classifyAttempts([signature], failures, 1, changedObjects.size > 0);
  return executionResult(ctx, attempts, verdict.status, "files");
}
