/**
 * Where a spec's text is: `--spec` names `specs/<feature>/spec.md`, or the feature folder that holds it
 * (specs/README.md). Anything else is refused naming the path and what to pass, never a bare EISDIR/ENOENT.
 */
import { statSync } from "node:fs";
import { join } from "node:path";

/** `--spec` names no spec: the author passed a wrong path (exit 2, like any bad input). */
export class SpecFileError extends Error {
  override readonly name = "SpecFileError";
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`--spec ${path}: ${why}; pass specs/<feature>/spec.md or its folder`);
  }
}

/** The spec file `path` names: the file itself, or `spec.md` inside a feature folder. */
export function resolveSpecFile(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw new SpecFileError(path, "no such file or folder");
  if (stat.isFile()) return path;
  if (!stat.isDirectory()) throw new SpecFileError(path, "not a file");
  const inside = join(path, "spec.md");
  if (statSync(inside, { throwIfNoEntry: false })?.isFile()) return inside;
  throw new SpecFileError(path, "a folder without spec.md");
}
