/**
 * `core-ops-verify machine list` (pure part): every `coreops-verify-*` domain or run directory with its
 * state — `retained` (kept for debugging), `running` (its owner process is alive), `orphaned` (the owner is
 * gone: the next sweep removes it) or `unowned` (no owner record: never touched) — its age and, for a
 * retained one, the ssh command that reaches it.
 */
import { destroyCommand } from "../machine.js";
import { runIdOfDomain } from "./naming.js";
import type { Owner } from "./owner.js";
import type { Retained } from "./retained.js";

export type ListedState = "retained" | "running" | "orphaned" | "unowned";

export interface ListedMachine {
  run_id: string;
  domain: string | null;
  state: ListedState;
  /** When the run started (the owner record), else when it was retained. */
  since: string | null;
  age_seconds: number | null;
  ssh: string | null;
  remove_with: string | null;
}

export interface ListInventory {
  domains: { name: string; owner: Owner | undefined }[];
  runDirs: { runId: string; owner: Owner | undefined; retained: Retained | undefined }[];
}

export function listMachines(
  inventory: ListInventory,
  alive: (owner: Owner) => boolean,
  now: Date,
): ListedMachine[] {
  const dirs = new Map(inventory.runDirs.map((d) => [d.runId, d]));
  const runIds = new Set<string>(inventory.runDirs.map((d) => d.runId));
  const domainOf = new Map<string, { name: string; owner: Owner | undefined }>();
  for (const domain of inventory.domains) {
    const runId = runIdOfDomain(domain.name);
    if (runId === undefined) continue;
    domainOf.set(runId, domain);
    runIds.add(runId);
  }
  return [...runIds].sort().map((runId) => {
    const dir = dirs.get(runId);
    const domain = domainOf.get(runId);
    const owner = domain?.owner ?? dir?.owner;
    const retained = dir?.retained;
    const state: ListedState =
      retained !== undefined
        ? "retained"
        : owner === undefined
          ? "unowned"
          : alive(owner)
            ? "running"
            : "orphaned";
    const since = owner?.started_at ?? retained?.retained_at ?? null;
    const started = since === null ? Number.NaN : Date.parse(since);
    return {
      run_id: runId,
      domain: domain?.name ?? null,
      state,
      since,
      age_seconds: Number.isNaN(started) ? null : Math.max(0, Math.round((now.getTime() - started) / 1000)),
      ssh: retained?.ssh ?? null,
      remove_with:
        state === "retained"
          ? destroyCommand(runId)
          : state === "orphaned"
            ? "core-ops-verify machine sweep"
            : null,
    };
  });
}

function age(seconds: number | null): string {
  if (seconds === null) return "?";
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/** The human table of `machine list`: one line per run, the ssh and removal commands indented under it. */
export function renderMachineList(machines: ListedMachine[]): string {
  if (machines.length === 0) return "no coreops-verify machines\n";
  const lines: string[] = [];
  for (const m of machines) {
    lines.push(`${m.run_id}  ${m.state}  age ${age(m.age_seconds)}  domain ${m.domain ?? "(none)"}`);
    if (m.ssh !== null) lines.push(`  ssh: ${m.ssh}`);
    if (m.remove_with !== null) lines.push(`  remove: ${m.remove_with}`);
  }
  return `${lines.join("\n")}\n`;
}
