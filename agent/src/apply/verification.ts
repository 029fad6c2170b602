/**
 * The verification judgement of one unit (pure): given two samples of its `systemctl show` properties
 * (before and after the settle wait) and the state of its companions, did it converge, and if not, why.
 * The executor samples and sequences; this decides.
 */
import type { ObjectFailure } from "../model/execution.js";
import type { ApplyObject } from "./model.js";
import type { UnitProperties } from "./ports.js";

/** States a unit passes through: verification waits (bounded) for them to settle. */
export const TRANSIENT: ReadonlySet<string> = new Set(["activating", "deactivating", "reloading"]);

/** Where a mount target appears in mountinfo (field 5, with octal escapes decoded). */
export function mountedTargets(mountinfo: string): Set<string> {
  const out = new Set<string>();
  for (const line of mountinfo.split("\n")) {
    const f = line.split(" ");
    const target = f[4];
    if (target)
      out.add(target.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))));
  }
  return out;
}

export interface JudgementContext {
  /** Socket unit → active in the later sample. */
  socketActive: ReadonlyMap<string | null, boolean>;
  /** Automount unit → active in the later sample. */
  automountActive: ReadonlyMap<string | null, boolean>;
  /** Mount targets in mountinfo. */
  mounted: ReadonlySet<string>;
  activationTimeoutMs: number;
}

function fail(o: ApplyObject, reason: ObjectFailure["reason"], detail: string): ObjectFailure {
  return { object: o.id, reason, detail };
}

/** A unit expected mounted: active (or its automount active) and its target in mountinfo. */
function judgeMount(
  o: ApplyObject,
  unit: string,
  state: string,
  ctx: JudgementContext,
): ObjectFailure | null {
  const viaAutomount = o.automountUnit ? ctx.automountActive.get(o.automountUnit) === true : false;
  if (!viaAutomount && state !== "active") return fail(o, "inactive", `unit not active: ${unit} (${state})`);
  if (!viaAutomount && o.mount && !ctx.mounted.has(o.mount.where))
    return fail(o, "not_mounted", `degraded: mount target not mounted: ${o.mount.where}`);
  return null;
}

/** The failure of unit `o` from its two samples, or null when it converged (container check apart). */
export function judgeUnit(
  o: ApplyObject,
  before: UnitProperties,
  now: UnitProperties,
  ctx: JudgementContext,
): ObjectFailure | null {
  const unit = o.unit as string;
  const state = now.ActiveState ?? "unknown";
  const restartsBefore = Number(before.NRestarts ?? "0");
  const restartsNow = Number(now.NRestarts ?? "0");
  if (restartsNow > restartsBefore || now.SubState === "auto-restart")
    return fail(o, "restart_loop", `${unit} is restarting (NRestarts ${restartsBefore} → ${restartsNow})`);
  if (TRANSIENT.has(state))
    return fail(o, "activation_timeout", `${unit} still ${state} after ${ctx.activationTimeoutMs} ms`);
  if (state === "failed") return fail(o, "unit_failed", `${unit} failed (${now.Result ?? "unknown result"})`);
  if (o.expectation === "mounted") return judgeMount(o, unit, state, ctx);
  if (state === "active") return null;
  const exitedOk =
    state === "inactive" &&
    now.Result === "success" &&
    (o.expectation === "active_or_exited" || now.Type === "oneshot");
  const socketOk = o.socketUnit ? ctx.socketActive.get(o.socketUnit) === true && state === "inactive" : false;
  if (exitedOk || socketOk) return null;
  return fail(o, "inactive", `unit not active: ${unit} (${state}/${now.SubState ?? "?"})`);
}
