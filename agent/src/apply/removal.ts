/**
 * Step 2 of an execution (executor.ts): what leaves stops before any file changes — in plan order
 * (the plan lists deletes dependents first), native units disabled, the managed services that need a
 * removed mount stopped before it (never a forced unmount; a mount still in mountinfo afterwards fails
 * `busy mount removal: <path>`) — and a unit whose generated name changes stops under its old name.
 */

import { type ExecutionContext, errText } from "./execution-context.js";
import type { ApplyObject } from "./model.js";
import { mountedTargets } from "./verification.js";

export async function stopUnit(ctx: ExecutionContext, object: string, unit: string): Promise<void> {
  try {
    await ctx.ports.systemd.stop(unit);
    ctx.record(object, "stop", unit, "succeeded");
  } catch (err) {
    const text = errText(err);
    // Stopping something that is not loaded or not found is success (it is already gone).
    if (/not loaded|not found|does not exist/i.test(text)) ctx.record(object, "stop", unit, "skipped", text);
    else {
      ctx.record(object, "stop", unit, "failed", text);
      ctx.fail(object, "activation_failed", `stop ${unit}: ${text}`);
    }
  }
}

async function resetFailed(ctx: ExecutionContext, object: string, unit: string): Promise<void> {
  try {
    await ctx.ports.systemd.resetFailed(unit);
    ctx.record(object, "reset_failed", unit, "succeeded");
  } catch (err) {
    // Not loaded (already gone) or not failed: nothing to forget.
    ctx.record(object, "reset_failed", unit, "skipped", errText(err));
  }
}

async function disable(ctx: ExecutionContext, o: ApplyObject): Promise<void> {
  const unitPath =
    o.removePaths.find((p) => p.endsWith(`/${o.unit}`)) ?? `${ctx.opts.systemdUnitDir}/${o.unit}`;
  try {
    const changed = await ctx.ports.systemd.disable(
      o.unit as string,
      unitPath,
      o.install as NonNullable<ApplyObject["install"]>,
    );
    if (changed) ctx.record(o.id, "disable", o.unit as string, "succeeded");
  } catch (err) {
    ctx.record(o.id, "disable", o.unit as string, "skipped", errText(err));
  }
}

/**
 * The objects that (transitively) need `id` over a binding edge: what must stop before `id` can go.
 * (Restarts are not derived from this: apply restarts what the plan says, activation.ts `restartSet`.)
 */
function needersOf(ctx: ExecutionContext, id: string): Set<string> {
  const out = new Set<string>();
  const queue = [id];
  while (queue.length > 0) {
    const cur = queue.shift() as string;
    for (const o of ctx.objects) {
      if (o.prerequisites.includes(cur) && !out.has(o.id)) {
        out.add(o.id);
        queue.push(o.id);
      }
    }
  }
  return out;
}

/** After stopping a removed mount: still in mountinfo fails it as a busy mount (its stop failure the detail). */
function checkUnmounted(ctx: ExecutionContext, o: ApplyObject, where: string): void {
  const mounted = mountedTargets(ctx.ports.fs.mountinfo()).has(where);
  ctx.record(o.id, "check_mount", where, mounted ? "failed" : "succeeded", mounted ? "still mounted" : null);
  if (!mounted) return;
  // A busy mount usually also fails its stop job (umount: target is busy): the busy mount is the
  // cause the operator needs, the failed stop is its detail.
  const stop = ctx.failures.get(o.id);
  ctx.failures.set(o.id, {
    object: o.id,
    reason: "busy_mount",
    detail: `busy mount removal: ${where}${stop ? ` (${stop.detail})` : ""}`,
  });
}

async function stopForRemoval(ctx: ExecutionContext, o: ApplyObject): Promise<void> {
  if (o.install && o.unit) await disable(ctx, o);
  if (ctx.offline) return;
  if (o.kind === "mount" && o.mount) {
    // Dependent managed services stop first; never a forced unmount.
    for (const depId of needersOf(ctx, o.id)) {
      const dep = ctx.byId.get(depId);
      if (dep?.unit && dep.activation !== "none") await stopUnit(ctx, dep.id, dep.unit);
    }
    if (o.automountUnit) await stopUnit(ctx, o.id, o.automountUnit);
  }
  if (o.unit && o.activation !== "none") {
    await stopUnit(ctx, o.id, o.unit);
    // A unit that leaves is forgotten by systemd only when it is not failed (a container stopped by
    // SIGTERM often exits 143): without this it stays in `systemctl --failed` with no unit file.
    if (!ctx.failures.has(o.id)) await resetFailed(ctx, o.id, o.unit);
  }
  if (o.kind === "mount" && o.mount) checkUnmounted(ctx, o, o.mount.where);
}

/** The stop phase: what leaves, in plan order; then renamed units under their old names (not offline). */
export async function stopPhase(
  ctx: ExecutionContext,
  keeps: readonly ApplyObject[],
  deletes: readonly ApplyObject[],
): Promise<void> {
  for (const o of deletes) await stopForRemoval(ctx, o);
  if (!ctx.offline) for (const o of keeps) if (o.previousUnit) await stopUnit(ctx, o.id, o.previousUnit);
}
