/**
 * Environment faults while writing the state directory (a full disk, a read-only file system, a path
 * that is a directory, missing permission) as one typed error naming the file and what to do — never an
 * untyped failure with a stack trace. Exit 1 (an environment fault, not bad input).
 */
import { CoreOpsError } from "../errors.js";

const HINTS: Record<string, string> = {
  ENOSPC:
    "the file system of the state directory is full: free space there (or point --state-file elsewhere) and run again; the previous state is unchanged",
  EDQUOT:
    "the disk quota of the state directory is exhausted: free space there and run again; the previous state is unchanged",
  EROFS: "the state directory is on a read-only file system: use a writable --state-file",
  EACCES: "this user may not write the state directory: run as root or use a writable --state-file",
  EPERM: "this user may not write the state directory: run as root or use a writable --state-file",
  EISDIR: "the path is a directory: remove or rename that directory, or give another path",
  ENOTDIR: "a parent of the path is a file, not a directory: fix the path",
  EEXIST: "something unexpected is in the way at this path: inspect and remove it",
};

/** Wraps a file-system error of a state write; CoreOpsErrors pass through unchanged. */
export function stateWriteError(err: unknown, file: string): unknown {
  if (err instanceof CoreOpsError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== "string" || !(code in HINTS)) return err;
  const what = code === "ENOSPC" || code === "EDQUOT" ? "no space left" : (err as Error).message;
  return new CoreOpsError(`cannot write state: ${what}`, {
    code: code === "ENOSPC" || code === "EDQUOT" ? "state_no_space" : "state_write_failed",
    file,
    hint: HINTS[code],
  });
}
