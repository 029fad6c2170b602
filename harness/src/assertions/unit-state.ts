/**
 * `unit_state`: systemd properties of a unit in the guest (`systemctl show`): expected values, and
 * properties unchanged or changed since a step (the executor snapshots them right after that step).
 */
import type { Assertion } from "../scenario/schema.js";
import { type AssertionContext, type Verdict, verdict } from "./types.js";

/** Read for every unit_state assertion (a unit that does not exist fails unless `expect`ed so). */
export const UNIT_STATE_ALWAYS = ["LoadState"] as const;

/** The properties a unit_state assertion reads (for prefetching). */
export function unitStateProperties(a: Extract<Assertion, { assertion_type: "unit_state" }>): string[] {
  return [
    ...UNIT_STATE_ALWAYS,
    ...Object.keys(a.expect ?? {}),
    ...(a.unchanged_since?.properties ?? []),
    ...(a.changed_since?.properties ?? []),
  ];
}

export async function unitState(
  a: Extract<Assertion, { assertion_type: "unit_state" }>,
  ctx: AssertionContext,
): Promise<Verdict> {
  const props = new Set<string>([
    ...Object.keys(a.expect ?? {}),
    ...(a.unchanged_since?.properties ?? []),
    ...(a.changed_since?.properties ?? []),
  ]);
  for (const p of UNIT_STATE_ALWAYS) props.add(p);
  const now = await ctx.facts.unitProperties(a.unit, [...props].sort());
  const expected: string[] = [];
  const observed: string[] = [];
  let ok = true;
  // A unit removed by the end of the run is fine when only a past transition (`until`) is asserted.
  const readsNow =
    a.expect !== undefined || [a.unchanged_since, a.changed_since].some((r) => r && r.until === undefined);
  if (readsNow && now.LoadState === "not-found" && a.expect?.LoadState !== "not-found") {
    return verdict(false, `${a.unit} exists`, `${a.unit}: LoadState=not-found`, [`unit:${a.unit}`]);
  }
  for (const [k, v] of Object.entries(a.expect ?? {}).sort(([x], [y]) => x.localeCompare(y))) {
    expected.push(`${k}=${v}`);
    observed.push(`${k}=${now[k] ?? "(absent)"}`);
    if (now[k] !== String(v)) ok = false;
  }
  for (const [rule, same] of [
    [a.unchanged_since, true],
    [a.changed_since, false],
  ] as const) {
    if (!rule) continue;
    const before = ctx.snapshots.get(rule.step)?.get(a.unit) ?? {};
    const after = rule.until === undefined ? now : (ctx.snapshots.get(rule.until)?.get(a.unit) ?? {});
    const span = rule.until === undefined ? `since ${rule.step}` : `from ${rule.step} to ${rule.until}`;
    for (const p of rule.properties) {
      expected.push(`${p} ${same ? "unchanged" : "changed"} ${span}`);
      observed.push(`${p}: ${before[p] ?? "(no snapshot)"} → ${after[p] ?? "(absent)"}`);
      if (before[p] === undefined || (rule.until !== undefined && after[p] === undefined)) ok = false;
      else if ((before[p] === after[p]) !== same) ok = false;
    }
  }
  return verdict(ok, `${a.unit}: ${expected.join(", ")}`, `${a.unit}: ${observed.join(", ")}`, [
    `unit:${a.unit}`,
  ]);
}
