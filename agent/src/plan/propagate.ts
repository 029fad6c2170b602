/**
 * Phase 2 of `computePlan` (compute-plan.ts), pure: the decisions of the desired objects propagated
 * along the dependency graph in topological order — missing references and mountpoints block, a
 * blocked prerequisite blocks its dependents, and the consumer-restart rule: an unchanged unit whose
 * binding prerequisite changes restarts. This is the only place that rule is written; apply restarts
 * what the plan's `restart` says (apply/activation.ts `restartSet`).
 */

import type { Action } from "../model/actions.js";
import { restartsDependents } from "../model/actions.js";
import type { Reason } from "./decide.js";
import type { GraphEdge } from "./dependency-graph.js";
import type { DesiredGraph, Draft } from "./drafts.js";
import type { Observed } from "./observe.js";
import { cause } from "./reasons.js";

function block(draft: Draft, reason: Reason, summary: string, source: string | null = null): void {
  draft.decision = {
    action: "blocked",
    reason,
    replacements: [],
    toleratedVariance: false,
    blocker: summary,
  };
  draft.causes = [cause("blocked_prerequisite", summary, source)];
}

/**
 * The consumer-restart rule: an unchanged (`no_op`) unit restarts (`prerequisite_changed`) when a
 * prerequisite over a binding edge (Requires=, BindsTo=, Volume=, EnvironmentFile=, …; never the
 * ordering-only After=/Wants=) has an action that leaves it running changed (`restartsDependents`).
 */
function restartIfPrerequisiteChanged(
  draft: Draft,
  incoming: readonly GraphEdge[],
  actionOf: (id: string) => Action,
): void {
  if (!draft.desired?.unit || draft.decision.action !== "no_op") return;
  const trigger = incoming.filter((e) => e.restarts && restartsDependents(actionOf(e.from)));
  if (trigger.length === 0) return;
  draft.decision = { ...draft.decision, action: "restart", reason: "prerequisite_changed" };
  const variance = draft.causes.filter((c) => c.kind === "runtime_variance");
  draft.causes = [
    ...trigger.map((e) => cause("dependency_change", `prerequisite ${e.from} changes (${e.via})`, e.from)),
    cause("restart_required", `restart ${draft.desired.unit} so it picks up the change`),
    ...variance,
  ];
}

/**
 * Phase 2, in topological order (prerequisites are final before dependents): missing references and
 * mountpoints block, a blocked prerequisite blocks its dependents, and an unchanged unit whose binding
 * prerequisite changes restarts.
 */
export function propagate(g: DesiredGraph, drafts: Map<string, Draft>, observed: Observed): void {
  const blockedBy = new Map<string, string[]>();
  for (const b of g.blockers)
    blockedBy.set(b.object, [...(blockedBy.get(b.object) ?? []), `${b.via}${b.missing}`]);
  const prereqs = new Map<string, GraphEdge[]>();
  for (const e of g.edges) prereqs.set(e.to, [...(prereqs.get(e.to) ?? []), e]);
  const actionOf = (id: string) => drafts.get(id)?.decision.action ?? "no_op";
  for (const id of g.order) {
    const draft = drafts.get(id) as Draft;
    const missing = blockedBy.get(id);
    if (missing) {
      block(
        draft,
        "missing_reference",
        `references ${missing.join(", ")}, which is neither in the desired state nor on the host`,
      );
      continue;
    }
    const mountpoint = observed.missingMountpoints.get(id);
    if (mountpoint !== undefined) {
      block(
        draft,
        "missing_mountpoint",
        `mountpoint ${mountpoint} is missing on the host and [X-CoreOps] CreateMountpoint=false: create the directory, or set CreateMountpoint=true`,
      );
      continue;
    }
    const incoming = prereqs.get(id) ?? [];
    const blockedPrereq = incoming.find((e) => actionOf(e.from) === "blocked");
    if (blockedPrereq) {
      block(
        draft,
        "prerequisite_blocked",
        `prerequisite ${blockedPrereq.from} is blocked`,
        blockedPrereq.from,
      );
      continue;
    }
    restartIfPrerequisiteChanged(draft, incoming, actionOf);
  }
}
