/**
 * Step 5 of an execution (executor.ts): native units enabled from `[Install]`; new units started; the
 * changed units and the objects the plan restarts restarted (`restartSet`) — automount-backed mounts
 * through their `.automount`, socket-activated services through their socket; an object whose
 * prerequisite failed is skipped as blocked. Retries (verify-loop.ts) restart through here too.
 */

import { type ExecutionContext, errText } from "./execution-context.js";
import type { ApplyObject } from "./model.js";

/**
 * What apply restarts: exactly what the plan decided — objects whose action is `restart` (a consumer of
 * a changed binding prerequisite: the planner's rule, plan/propagate.ts) or `recover` — and every
 * changed object that is not new (a new one is started). Apply never adds a consumer the plan did not show.
 */
export function restartSet(keeps: readonly ApplyObject[], changed: ReadonlySet<string>): Set<string> {
  return new Set(
    keeps
      .filter((o) =>
        changed.has(o.id) ? o.action !== "create" : o.action === "restart" || o.action === "recover",
      )
      .map((o) => o.id),
  );
}

async function enable(ctx: ExecutionContext, o: ApplyObject): Promise<void> {
  // On a host, systemctl already knows: enabled (or static/generated/alias) units are left alone.
  const known = ctx.unitFileState.get(o.unit as string);
  if (!ctx.offline && known !== undefined && known !== "" && known !== "disabled") return;
  const unitPath =
    o.files.find((f) => f.path.endsWith(`/${o.unit}`))?.path ?? `${ctx.opts.systemdUnitDir}/${o.unit}`;
  try {
    const changed = await ctx.ports.systemd.enable(
      o.unit as string,
      unitPath,
      o.install as NonNullable<ApplyObject["install"]>,
    );
    if (changed) ctx.record(o.id, "enable", o.unit as string, "succeeded");
  } catch (err) {
    ctx.record(o.id, "enable", o.unit as string, "failed", errText(err));
    ctx.fail(o.id, "enable_failed", errText(err));
  }
}

/** Enables every native unit with an `[Install]` section that has not failed. */
export async function enableAll(ctx: ExecutionContext, keeps: readonly ApplyObject[]): Promise<void> {
  for (const o of keeps) if (o.install && o.unit && !ctx.failures.has(o.id)) await enable(ctx, o);
}

/** The unit an activation acts on, or null when the object is not activated directly. */
function activationUnit(o: ApplyObject): string | null {
  if (o.activation === "via_automount") return o.automountUnit;
  if (o.activation === "start") return o.unit;
  return null; // via_socket: its socket object starts it; none: no unit
}

/**
 * A changed socket-activated service that is running now runs old code: restart it; an idle one is
 * left to its socket, which starts the new definition on the next connection.
 */
async function restartRunningSocketService(
  ctx: ExecutionContext,
  o: ApplyObject,
  unit: string,
): Promise<void> {
  const state = await ctx.ports.systemd.isActive(unit);
  if (state !== "active" && state !== "activating" && state !== "reloading") return;
  ctx.activated.add(unit);
  try {
    await ctx.ports.systemd.restart(unit);
    ctx.record(o.id, "restart", unit, "succeeded", "running socket-activated service");
  } catch (err) {
    ctx.record(o.id, "restart", unit, "failed", errText(err));
    ctx.fail(o.id, "activation_failed", `restart ${unit}: ${errText(err)}`);
  }
}

/** Starts or restarts `o` once per attempt, timing it and noting restarts for stop-timeout warnings. */
export async function activate(
  ctx: ExecutionContext,
  o: ApplyObject,
  how: "start" | "restart",
): Promise<void> {
  if (o.activation === "via_socket" && how === "restart" && o.unit && !ctx.activated.has(o.unit)) {
    await restartRunningSocketService(ctx, o, o.unit);
    return;
  }
  const unit = activationUnit(o);
  if (!unit || ctx.activated.has(unit)) return;
  ctx.activated.add(unit);
  const began = ctx.clock();
  if (how === "restart") ctx.restartedAt.set(unit, { object: o.id, beganMs: began });
  try {
    if (how === "start") await ctx.ports.systemd.start(unit);
    else await ctx.ports.systemd.restart(unit);
    ctx.record(o.id, how, unit, "succeeded");
  } catch (err) {
    ctx.record(o.id, how, unit, "failed", errText(err));
    ctx.fail(o.id, "activation_failed", `${how} ${unit}: ${errText(err)}`);
  } finally {
    ctx.lastActivationMs = ctx.clock();
    ctx.durations.restarts_ms += ctx.lastActivationMs - began;
  }
}

/** The activation phase: new objects started, `toRestart` restarted, dependents of a failure skipped. */
export async function activatePhase(
  ctx: ExecutionContext,
  keeps: readonly ApplyObject[],
  toRestart: ReadonlySet<string>,
): Promise<void> {
  for (const o of keeps) {
    if (ctx.failures.has(o.id)) continue;
    const blockedBy = ctx.failedPrerequisite(o);
    if (blockedBy) {
      ctx.blocked.add(o.id);
      ctx.record(o.id, "start", o.unit ?? o.id, "skipped", `blocked: prerequisite ${blockedBy} failed`);
      continue;
    }
    if (o.action === "create") await activate(ctx, o, "start");
    else if (toRestart.has(o.id)) await activate(ctx, o, "restart");
  }
  if (ctx.activated.size > 0) ctx.loadSample = null;
}
