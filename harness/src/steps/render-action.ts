/**
 * Structured `coreops_action` → the command the guest runs.
 * Pure: the fixture URL, the binary path and the resolved rollback commit come from the caller.
 */
import type { CoreOpsAction, FixtureRefMove } from "../scenario/schema.js";
import { shellJoin } from "./shell.js";

export interface ActionContext {
  /** Guest path of the delivered agent binary. */
  binary: string;
  /** `file://` URL of the fixture repository inside the guest. */
  fixtureUrl: string;
  /** The scenario's `host:`, used when the action names none. */
  defaultHost?: string;
  /** Resolves a fixture tag or commit id to a full commit id (for `rollback_to`). */
  resolve: (ref: string) => string;
}

export function renderActionArgs(action: CoreOpsAction, ctx: ActionContext): string[] {
  if (action.action === "version") return [ctx.binary, "--version", ...(action.extra_args ?? [])];
  const args = [ctx.binary, action.action];
  const host = action.host ?? ctx.defaultHost;
  const json = action.mode === "json" || action.output_contract === "machine-readable";
  switch (action.action) {
    case "init":
      args.push(ctx.fixtureUrl, action.revision ?? "");
      if (action.force) args.push("--force");
      break;
    case "explain":
      args.push(action.object ?? "");
      if (host !== undefined) args.push("--host", host);
      break;
    case "plan":
    case "apply":
    case "agent":
      if (host !== undefined) args.push("--host", host);
      if (action.action === "apply" && action.rollback_to !== undefined) {
        args.push("--rollback-to", ctx.resolve(action.rollback_to));
      }
      break;
    case "status":
      break;
    default: {
      const never: never = action.action;
      throw new Error(`unknown action ${String(never)}`);
    }
  }
  if (json) args.push("--json");
  if (action.mode === "verbose") args.push("--verbose");
  args.push(...(action.extra_args ?? []));
  return args;
}

export function renderAction(action: CoreOpsAction, ctx: ActionContext): string {
  return shellJoin(renderActionArgs(action, ctx));
}

/** `fixture_ref` of a mutate_state step → one `git update-ref` in the guest's fixture repository. */
export function renderFixtureRefMove(move: FixtureRefMove, ctx: ActionContext): string {
  const dir = ctx.fixtureUrl.replace(/^file:\/\//, "");
  return shellJoin(["git", "-C", dir, "update-ref", `refs/heads/${move.ref}`, ctx.resolve(move.revision)]);
}
