/** Scenario durations (`90`, `"90s"`, `"500ms"`, `"3m"`) to milliseconds. */

/** The longest duration a scenario may give: a day (Node timers cannot wait longer than ≈ 24.8 days). */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** A duration written as a string: `<n>`, `<n>ms`, `<n>s` or `<n>m`. */
export const DURATION_STRING = /^([0-9]+)(ms|s|m)?$/;

export function durationMs(d: number | string): number {
  if (typeof d === "number") return d * 1000;
  const m = DURATION_STRING.exec(d);
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
