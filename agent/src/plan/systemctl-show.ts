/** Parses `systemctl show --property=Id,LoadState,ActiveState,SubState,UnitFileState u1 u2 …` output. */
import type { UnitRuntime } from "./host-observer.js";

/**
 * systemctl prints one block of `Key=Value` lines per unit, blocks separated by an empty line, in the
 * order the units were given. `Id=` names the unit when present; otherwise the position is used.
 */
export function parseSystemctlShow(stdout: string, units: readonly string[]): Map<string, UnitRuntime> {
  const map = new Map<string, UnitRuntime>();
  const blocks = stdout.replace(/\r/g, "").split(/\n\s*\n/);
  let index = 0;
  for (const block of blocks) {
    if (block.trim() === "") continue;
    const props = new Map<string, string>();
    for (const line of block.split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1));
    }
    const unit = props.get("Id") || units[index];
    index++;
    if (!unit) continue;
    map.set(unit, {
      unit,
      loadState: props.get("LoadState") ?? "",
      activeState: props.get("ActiveState") ?? "",
      subState: props.get("SubState") ?? "",
      unitFileState: props.get("UnitFileState") ?? "",
    });
  }
  return map;
}
