/**
 * Step 4 of an execution (executor.ts): `daemon-reload` when a unit-like file changed, then every
 * expected unit confirmed loaded — a Quadlet file that produced no unit is explained by the generator's
 * dry-run. The check's sample also feeds enablement (`UnitFileState`) and the first verification pass.
 */

import { CoreOpsError } from "../errors.js";
import { type ExecutionContext, errText } from "./execution-context.js";
import type { ApplyObject } from "./model.js";
import type { UnitProperties } from "./ports.js";
import { VERIFY_PROPERTIES } from "./verify-pass.js";

async function daemonReload(ctx: ExecutionContext): Promise<void> {
  try {
    await ctx.ports.systemd.daemonReload();
    ctx.record(null, "daemon_reload", "systemd", "succeeded");
  } catch (err) {
    ctx.record(null, "daemon_reload", "systemd", "failed", errText(err));
    throw new CoreOpsError(`systemctl daemon-reload failed: ${errText(err)}`, {
      code: "daemon_reload_failed",
      hint: "files were written; fix the manager error and run apply again",
    });
  }
}

/** Why `o`'s unit is not loaded, with the Quadlet generator's own explanation when there is one. */
async function notLoadedDetail(ctx: ExecutionContext, o: ApplyObject, p: UnitProperties): Promise<string> {
  const unit = o.unit as string;
  const detail = `${unit} is ${p.LoadState ?? "unknown"}${p.LoadError ? ` (${p.LoadError})` : ""}`;
  if (o.kind !== "quadlet_resource" || !ctx.ports.dryRun) return detail;
  const fileName =
    o.files
      .find((f) => !f.path.includes(".d/"))
      ?.path.split("/")
      .pop() ?? unit;
  const why = await ctx.ports.dryRun.explain(fileName);
  return why
    ? `the Quadlet generator did not produce ${unit} from ${fileName}: ${why}`
    : `${detail}; the Quadlet generator reported nothing for ${fileName}`;
}

async function checkLoaded(ctx: ExecutionContext, keeps: readonly ApplyObject[]): Promise<void> {
  const units = keeps.filter((o) => o.unit && o.kind !== "rendered_artifact" && !ctx.failures.has(o.id));
  if (units.length === 0) return;
  const props = await ctx.ports.systemd.show(
    units.map((o) => o.unit as string),
    [...new Set(["LoadState", "FragmentPath", "LoadError", "UnitFileState", ...VERIFY_PROPERTIES])],
  );
  ctx.loadSample = new Map(units.map((o, i) => [o.unit as string, props[i] ?? {}]));
  for (const [i, o] of units.entries()) {
    const p = props[i] ?? {};
    const unit = o.unit as string;
    if (p.UnitFileState !== undefined) ctx.unitFileState.set(unit, p.UnitFileState);
    if (p.LoadState === "loaded") {
      ctx.record(o.id, "check_loaded", unit, "succeeded", p.FragmentPath || null);
      continue;
    }
    const detail = await notLoadedDetail(ctx, o, p);
    ctx.record(o.id, "check_loaded", unit, "failed", detail);
    ctx.fail(o.id, "not_loaded", detail);
  }
}

/** The reload (unless --no-reload) when a unit-like file changed, then the loaded check; each timed. */
export async function reloadPhase(
  ctx: ExecutionContext,
  keeps: readonly ApplyObject[],
  unitFilesChanged: boolean,
): Promise<void> {
  if (unitFilesChanged) {
    if (ctx.opts.noReload) ctx.record(null, "daemon_reload", "systemd", "skipped", "--no-reload");
    else await ctx.timed("daemon_reload_ms", () => daemonReload(ctx));
  }
  await ctx.timed("load_check_ms", () => checkLoaded(ctx, keeps));
}
