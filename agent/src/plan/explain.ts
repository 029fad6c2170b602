/**
 * `explain <object>`: the plan's reasoning for one object, with where its files came from, the effective
 * merged content, the semantic diff and the dependency context. Built from the same Plan as `plan`, so
 * explain and apply never disagree.
 */
import { CoreOpsError, ExitCode } from "../errors.js";
import { resolveObjectQuery } from "../resources/identity.js";
import { VIEW_SCHEMA_VERSION } from "../views/common.js";
import type { DependencyContext, ExplainView, SourceFile } from "../views/explain-view.js";
import type { Plan, PlannedObject } from "./compute-plan.js";

export function findPlannedObject(plan: Plan, query: string): PlannedObject {
  const ids = plan.objects.map((o) => o.entry.object.display_id);
  const matches = resolveObjectQuery(query, ids);
  if (matches.length === 0)
    throw new CoreOpsError(`no managed object matches '${query}'`, {
      code: "object_not_found",
      field: "object",
      exitCode: ExitCode.failure,
      hint: `known objects: ${ids.slice(0, 20).join(", ")}${ids.length > 20 ? ", …" : ""}`,
    });
  if (matches.length > 1)
    throw new CoreOpsError(`'${query}' matches ${matches.length} objects: ${matches.join(", ")}`, {
      code: "object_ambiguous",
      field: "object",
      exitCode: ExitCode.usage,
      hint: "give the full display id, e.g. container/frontend.container",
    });
  return plan.objects.find((o) => o.entry.object.display_id === matches[0]) as PlannedObject;
}

function intent(p: PlannedObject): string {
  const e = p.entry;
  const first = e.causes[0]?.summary ?? "";
  switch (e.action) {
    case "create":
      return `apply writes ${e.paths.join(", ")} because the object is ${first}.`;
    case "update":
      return `apply rewrites ${e.paths.join(", ")}${e.object.unit ? ` and restarts ${e.object.unit}` : ""}: ${first}.`;
    case "replace":
      return `apply replaces the object: ${e.causes.map((c) => c.summary).join("; ")}.`;
    case "delete":
      return `apply ${e.object.unit ? `stops ${e.object.unit} and ` : ""}removes ${e.remove_paths.join(", ")}: ${first}.`;
    case "recover":
      return `apply recovers the object: ${e.causes.map((c) => c.summary).join("; ")}.`;
    case "restart":
      return `apply restarts ${e.object.unit ?? e.object.display_id}: ${first}.`;
    case "blocked":
      return `apply does not touch the object: ${first}.`;
    case "skipped":
      return `nothing to do: ${first}.`;
    default:
      return e.causes.some((c) => c.kind === "runtime_variance")
        ? "no action: the host matches the desired state; the listed differences are not material (runtime_variance)."
        : "no action: the host matches the desired state.";
  }
}

export function explainObject(plan: Plan, query: string): ExplainView {
  const p = findPlannedObject(plan, query);
  const e = p.entry;
  const byId = new Map(plan.objects.map((o) => [o.entry.object.display_id, o.entry]));
  const obj = p.desired ?? p.observed;
  const stem = e.object.name.replace(/\.(auto)?mount$/, "");
  return {
    view_kind: "explain",
    schema_version: VIEW_SCHEMA_VERSION,
    revision_context: plan.view.revision_context,
    observation: plan.view.observation,
    object: e.object,
    action_or_outcome: e.action,
    causes: e.causes,
    drift: e.drift,
    dependencies: e.dependencies,
    dependency_context: dependencyContext(e, byId),
    diff: e.diff,
    sources: sourcesOf(p),
    effective_content: p.desired?.effective ?? null,
    normalized_content: obj?.material ?? null,
    metadata: {
      kind: e.object.kind,
      resource_type: e.object.resource_type,
      managed_name: e.object.name,
      runtime_unit: e.object.unit,
      automount_unit:
        e.object.kind === "mount" && byId.has(`automount/${stem}.automount`) ? `${stem}.automount` : null,
      paths: e.paths,
    },
    x_coreops:
      e.object.kind === "mount" && obj?.mount ? { create_mountpoint: obj.mount.createMountpoint } : null,
    runtime: e.runtime,
    mount: e.mount,
    apply_intent: intent(p),
    notes: e.notes,
  };
}

type Entry = PlannedObject["entry"];

/** The object's dependencies, one per related object (their `via`s joined), each with its planned state. */
function dependencyContext(e: Entry, byId: Map<string, Entry>): DependencyContext[] {
  const grouped = new Map<
    string,
    { relation: DependencyContext["relation"]; object: string; via: string[] }
  >();
  for (const d of e.dependencies) {
    const key = `${d.relation}\u0000${d.object}`;
    const g = grouped.get(key);
    if (g) g.via.push(d.via);
    else grouped.set(key, { relation: d.relation, object: d.object, via: [d.via] });
  }
  return [...grouped.values()].map((g) => {
    const d = { relation: g.relation, object: g.object, via: g.via.join(" ") };
    const other = byId.get(d.object);
    const state = other ? other.action : "absent";
    const reason =
      d.relation === "blocker"
        ? `${d.object} is referenced by ${d.via} but exists neither in the desired state nor on the host`
        : d.relation === "prerequisite"
          ? `${e.object.display_id} needs ${d.object} (${d.via})${other && other.action !== "no_op" ? `, which will ${other.action}` : ""}`
          : `${d.object} needs ${e.object.display_id} (${d.via})${other && other.action !== "no_op" ? `, and will ${other.action}` : ""}`;
    return { relation: d.relation, object: d.object, via: d.via, state, reason };
  });
}

/** Where the object's files come from: the desired layers, or (for an object being removed) the state. */
function sourcesOf(p: PlannedObject): SourceFile[] {
  const e = p.entry;
  return p.desired
    ? p.desired.files.map((f) => ({
        layer: f.source?.layer ?? "base",
        path: f.source?.path ?? f.path,
        role: f.role,
        target: f.path,
        replaces: f.replaces?.path ?? null,
      }))
    : (p.applied?.files ?? []).map((f) => ({
        layer: "state" as const,
        path: f.path,
        role: e.object.kind === "rendered_artifact" ? ("config" as const) : ("unit" as const),
        target: f.path,
        replaces: null,
      }));
}
