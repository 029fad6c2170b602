/**
 * Debris of writes interrupted by a crash: CoreOps temp files next to their targets, in the directories
 * apply writes to. They go before anything is written (the lock guarantees no other run is writing);
 * a path an object declares is never debris.
 */

import { isCoreOpsTempFile } from "../state/atomic-file.js";
import { type ExecutionContext, errText } from "./execution-context.js";

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

export function removeDebris(ctx: ExecutionContext): void {
  const dirs = new Set<string>();
  const declared = new Set<string>();
  for (const o of ctx.objects) {
    for (const path of [...o.files.map((f) => f.path), ...o.removePaths]) {
      dirs.add(dirOf(path));
      declared.add(path);
    }
  }
  for (const dir of [...dirs].sort()) {
    for (const name of ctx.ports.fs.list(dir)) {
      if (!isCoreOpsTempFile(name)) continue;
      const path = `${dir === "/" ? "" : dir}/${name}`;
      if (declared.has(path)) continue;
      try {
        if (ctx.ports.fs.remove(path))
          ctx.record(null, "remove", path, "succeeded", "debris of an interrupted write");
      } catch (err) {
        ctx.record(null, "remove", path, "failed", errText(err));
      }
    }
  }
}
