/**
 * The one parser of `systemctl show` output: one block of `Key=Value` lines per unit, blocks separated
 * by an empty line, in the order the units were given. The observer (fs-host-observer.ts) reads unit
 * runtime from it, apply's `Systemd` (systemctl.ts) unit properties.
 */
import type { UnitRuntime } from "../plan/host-observer.js";

/** The raw blocks, trailing newlines dropped; a blank block stands for a unit systemd said nothing about. */
export function showBlocks(stdout: string): string[] {
  return stdout
    .replace(/\r/g, "")
    .replace(/\n+$/, "")
    .split(/\n\s*\n/);
}

/** The `Key=Value` pairs of one block (a value may contain `=`). */
export function showProperties(block: string): Record<string, string> {
  const rec: Record<string, string> = {};
  for (const line of block.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) rec[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return rec;
}

/**
 * `systemctl show --property=Id,LoadState,ActiveState,SubState,UnitFileState u1 u2 …` as unit runtime:
 * `Id=` names the unit when present; otherwise the position is used.
 */
export function parseSystemctlShow(stdout: string, units: readonly string[]): Map<string, UnitRuntime> {
  const map = new Map<string, UnitRuntime>();
  let index = 0;
  for (const block of showBlocks(stdout)) {
    if (block.trim() === "") continue;
    const props = showProperties(block);
    const unit = props.Id || units[index];
    index++;
    if (!unit) continue;
    map.set(unit, {
      unit,
      loadState: props.LoadState ?? "",
      activeState: props.ActiveState ?? "",
      subState: props.SubState ?? "",
      unitFileState: props.UnitFileState ?? "",
    });
  }
  return map;
}
