/** Test helpers: plan a DesiredState against an offline root, and a minimal file-level apply for tests. */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DesiredState } from "../../desired/model.js";
import { createHostObserver } from "../../effects/fs-host-observer.js";
import { DIRS } from "../../resources/test-support/desired.js";
import type { Status } from "../../state/status.js";
import type { Plan } from "../compute-plan.js";
import type { HostObserver } from "../host-observer.js";
import { planHost } from "../plan-host.js";

export async function planOffline(
  desired: DesiredState,
  root: string,
  opts: { status?: Status | null; observer?: HostObserver } = {},
): Promise<Plan> {
  return planHost({
    desired,
    dirs: DIRS,
    observer: opts.observer ?? createHostObserver({ root }),
    stateMode: opts.status === undefined ? "stateless" : "tracked",
    status: opts.status ?? null,
  });
}

/** Writes every desired file of changing entries and removes `remove_paths` (file level only). */
export function applyFiles(plan: Plan, root: string): void {
  for (const p of plan.objects) {
    for (const f of p.removeFiles) rmSync(join(root, f.path), { force: true });
    if (!p.desired || p.entry.action === "blocked") continue;
    for (const f of p.desired.files) {
      const abs = join(root, f.path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, f.bytes);
      chmodSync(abs, f.mode);
    }
  }
}

export function writeHostFile(root: string, path: string, content: string | Buffer, mode = 0o644): void {
  const abs = join(root, path);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, content);
  chmodSync(abs, mode);
}
