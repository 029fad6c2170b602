/**
 * One verification pass on a host (step 6 of an execution, executor.ts; verify-loop.ts retries it):
 * samples the checked units and their companion sockets/automounts in one `systemctl show`, waits
 * (bounded) while any is activating, samples `NRestarts` again after the settle wait when this attempt
 * activated something, then judges each unit (verification.ts) and checks a container unit's container.
 */

import type { ObjectFailure } from "../model/execution.js";
import type { ExecutionContext } from "./execution-context.js";
import type { ApplyObject } from "./model.js";
import type { UnitProperties } from "./ports.js";
import { STOP_TIMING_PROPERTIES, stopTimeoutWarning } from "./stop-timeout.js";
import { type JudgementContext, judgeUnit, mountedTargets, TRANSIENT } from "./verification.js";

/** What a verification sample reads (the loaded check reads them too, so its sample can serve). */
export const VERIFY_PROPERTIES = [
  "LoadState",
  "ActiveState",
  "SubState",
  "Result",
  "NRestarts",
  "Type",
  ...STOP_TIMING_PROPERTIES,
] as const;
/** The wait for activating units polls quickly first, then every POLL_MAX_MS. */
const POLL_FIRST_MS = 100;
const POLL_MAX_MS = 500;

interface Sample {
  /** Per checked unit, in order. */
  props: UnitProperties[];
  /** Every unit read, companions included. */
  byUnit: Map<string, UnitProperties>;
}

/** One `show` of the units and their companions — or the loaded check's sample, once, when it has them all. */
function sampler(ctx: ExecutionContext, units: readonly string[], companions: readonly string[]) {
  return async (): Promise<Sample> => {
    const wanted = [...units, ...companions];
    const cached = ctx.loadSample;
    ctx.loadSample = null;
    const byUnit = new Map<string, UnitProperties>();
    if (cached && wanted.every((u) => cached.has(u))) {
      for (const u of wanted) byUnit.set(u, cached.get(u) ?? {});
    } else {
      const all = await ctx.ports.systemd.show(wanted, VERIFY_PROPERTIES);
      for (const [i, u] of wanted.entries()) byUnit.set(u, all[i] ?? {});
    }
    return { props: units.map((u) => byUnit.get(u) ?? {}), byUnit };
  };
}

/** Samples until no unit is activating or auto-restarting, or the activation timeout passes. */
async function settledSample(ctx: ExecutionContext, sample: () => Promise<Sample>): Promise<Sample> {
  const deadline = ctx.clock() + ctx.opts.activationTimeoutMs;
  let first = await sample();
  let interval = POLL_FIRST_MS;
  while (
    first.props.some((p) => TRANSIENT.has(p.ActiveState ?? "") || p.SubState === "auto-restart") &&
    ctx.clock() < deadline
  ) {
    await ctx.sleep(Math.min(interval, Math.max(0, deadline - ctx.clock())));
    interval = Math.min(POLL_MAX_MS, interval * 2);
    first = await sample();
  }
  return first;
}

/** Stop-timeout warnings for the units restarted in this attempt (once per unit and run). */
function noteStopTimeouts(
  ctx: ExecutionContext,
  checked: readonly ApplyObject[],
  props: readonly UnitProperties[],
): void {
  for (const [i, o] of checked.entries()) {
    const restarted = ctx.restartedAt.get(o.unit as string);
    if (!restarted || ctx.stopTimeouts.some((w) => w.unit === o.unit)) continue;
    const warning = stopTimeoutWarning({
      object: o.id,
      unit: o.unit as string,
      props: props[i] ?? {},
      restartBeganMs: restarted.beganMs,
      containerStopTimeoutMs: o.containerStopTimeoutMs ?? null,
    });
    if (warning) ctx.stopTimeouts.push(warning);
  }
}

/** An active container unit whose container is not running (it exited; conmon is still cleaning up). */
async function containerFailure(
  ctx: ExecutionContext,
  o: ApplyObject,
  unit: string,
  name: string,
): Promise<ObjectFailure | null> {
  const podman = ctx.ports.containers;
  if (!podman) return null;
  const s = await podman.state(name);
  if (s?.status === "running") return null;
  return {
    object: o.id,
    reason: "container_not_running",
    detail: s
      ? `${unit} is active but its container ${name} is ${s.status} (exit code ${s.exitCode})`
      : `${unit} is active but its container ${name} does not exist`,
  };
}

/** The companions' state in the later sample, and the mount table, for judging each unit. */
function judgementContext(
  ctx: ExecutionContext,
  checked: readonly ApplyObject[],
  later: Sample,
): JudgementContext {
  const stateOf = (u: string) => later.byUnit.get(u)?.ActiveState;
  const activeBy = (pick: (o: ApplyObject) => string | null) =>
    new Map(checked.filter((o) => pick(o)).map((o) => [pick(o), stateOf(pick(o) as string) === "active"]));
  return {
    socketActive: activeBy((o) => o.socketUnit),
    automountActive: activeBy((o) => o.automountUnit),
    mounted: mountedTargets(ctx.ports.fs.mountinfo()),
    activationTimeoutMs: ctx.opts.activationTimeoutMs,
  };
}

/** Judges each checked unit from its two samples, recording one `verify` event per unit. */
async function judgeAll(
  ctx: ExecutionContext,
  checked: readonly ApplyObject[],
  before: Sample,
  later: Sample,
): Promise<ObjectFailure[]> {
  const jc = judgementContext(ctx, checked, later);
  const failures: ObjectFailure[] = [];
  for (const [i, o] of checked.entries()) {
    const now = later.props[i] ?? {};
    const unit = o.unit as string;
    const state = now.ActiveState ?? "unknown";
    let failure = judgeUnit(o, before.props[i] ?? {}, now, jc);
    if (!failure && state === "active" && o.containerName && o.expectation === "active")
      failure = await containerFailure(ctx, o, unit, o.containerName);
    const detail = failure?.detail ?? `${state}/${now.SubState ?? "?"}`;
    ctx.record(o.id, "verify", unit, failure ? "failed" : "succeeded", detail);
    if (failure) failures.push(failure);
  }
  return failures;
}

/** One verification pass: waits (bounded) for activating units, then samples NRestarts twice. */
export async function verifyPass(
  ctx: ExecutionContext,
  keeps: readonly ApplyObject[],
): Promise<ObjectFailure[]> {
  const failures: ObjectFailure[] = [...ctx.failures.values()];
  const checked = keeps.filter(
    (o) => o.expectation !== "none" && o.unit && !ctx.failures.has(o.id) && !ctx.blocked.has(o.id),
  );
  for (const id of ctx.blocked)
    failures.push({ object: id, reason: "dependency_failed", detail: "a prerequisite failed" });
  if (checked.length === 0) {
    ctx.record(null, "verify", "units", failures.length ? "failed" : "succeeded");
    return failures;
  }
  const units = checked.map((o) => o.unit as string);
  // Sockets and automounts that make an inactive unit legitimate are read in the same `show` (one
  // systemctl round-trip per sample).
  const companions = [
    ...new Set(checked.flatMap((o) => [o.socketUnit, o.automountUnit]).filter((u) => u !== null)),
  ].filter((u) => !units.includes(u));
  const sample = sampler(ctx, units, companions);
  const first = await settledSample(ctx, sample);
  noteStopTimeouts(ctx, checked, first.props);
  // Restart-loop detection samples NRestarts again once settleMs have passed since the last activation
  // of this attempt; a pass that activated nothing has nothing to settle (a unit already looping shows
  // as activating/auto-restart/failed in the first sample).
  let later = first;
  if (ctx.lastActivationMs !== null) {
    const settle = ctx.lastActivationMs + ctx.opts.settleMs - ctx.clock();
    if (settle > 0) await ctx.sleep(settle);
    later = await sample();
  }
  return [...failures, ...(await judgeAll(ctx, checked, first, later))];
}
