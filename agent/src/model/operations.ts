/**
 * The operations apply executes against a host, and the two ways they are told apart: checks only read
 * the host; mutations change it (a run that executed one "changed something").
 */
import { z } from "zod";

export const OperationSchema = z.enum([
  "backup",
  "prepare_mountpoint",
  "write",
  "remove",
  "daemon_reload",
  "check_loaded",
  "enable",
  "disable",
  "start",
  "stop",
  "reset_failed",
  "restart",
  "check_mount",
  "verify",
]);
export type Operation = z.infer<typeof OperationSchema>;

/** Operations that only look at the host (the loaded check, the mount check, verification). */
export function isCheckOperation(op: Operation): boolean {
  return op === "check_loaded" || op === "verify" || op === "check_mount";
}

/**
 * Operations that change what the host runs or holds. Not checks, and neither `backup` (it saves bytes to
 * the backup store, not to the host's managed paths) nor `reset_failed` (it clears a unit's failure record).
 */
export function isMutatingOperation(op: Operation): boolean {
  return !isCheckOperation(op) && op !== "backup" && op !== "reset_failed";
}
