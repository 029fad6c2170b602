/**
 * The planner's public API (what `apply` and other commands reuse):
 * - `planHost(request)` → `Plan` (`view`: the plan JSON view model; `objects`: per entry the desired and
 *   observed normalized objects with exact file bytes, the inventory record and the files to remove).
 * - `computePlan(input)` — the pure three-way core, for callers that observe themselves (rollback).
 * - `HostObserver` — the port observation reads the host through (effects/fs-host-observer.ts implements it).
 * - `explainObject(plan, query)` — the explain view of one object.
 */
export { computePlan, type Plan, type PlannedObject } from "./compute-plan.js";
export { summarize } from "./entry-parts.js";
export { explainObject, findPlannedObject } from "./explain.js";
export type { HostObserver, ObservedFile, SystemdAvailability, UnitRuntime } from "./host-observer.js";
export { type Observed, observeHost } from "./observe.js";
export { type PlanRequest, planHost, revisionContext } from "./plan-host.js";
