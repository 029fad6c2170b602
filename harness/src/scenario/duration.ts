/** Scenario durations (`90`, `"90s"`, `"500ms"`, `"3m"`) to milliseconds. */
import type { Duration } from "./schema.js";

export function durationMs(d: Duration): number {
  if (typeof d === "number") return d * 1000;
  const m = /^([0-9]+)(ms|s|m)?$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  const n = Number(m[1]);
  switch (m[2]) {
    case "ms":
      return n;
    case "m":
      return n * 60_000;
    default:
      return n * 1000;
  }
}
