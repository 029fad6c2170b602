/**
 * systemd time spans (`systemd.time(7)`), as `systemctl show` prints them (`1min 30s`, `10s`, `500ms`,
 * `infinity`) and as unit files and Quadlet accept them (a bare number is seconds). Returns milliseconds,
 * `Infinity` for `infinity`, null for text that is not a time span.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  usec: 0.001,
  µs: 0.001,
  ms: 1,
  msec: 1,
  "": 1000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

export function parseTimespanMs(text: string): number | null {
  const t = text.trim();
  if (t === "infinity") return Number.POSITIVE_INFINITY;
  if (t === "") return null;
  let total = 0;
  let rest = t;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)\s*([a-zµ]*)\s*/.exec(rest);
    const factor = m ? UNIT_MS[m[2] ?? ""] : undefined;
    if (!m || factor === undefined) return null;
    total += Number(m[1]) * factor;
    rest = rest.slice(m[0].length);
  }
  return total;
}
