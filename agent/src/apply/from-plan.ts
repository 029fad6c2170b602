/**
 * Plan → executor input. Joins each planned object with the exact bytes the planner's desired side holds
 * (marker included: `resources/from-desired.ts` renders them, so plan and apply agree byte for byte), and
 * derives what the planner does not carry: how the unit is activated, what verification expects, the
 * `[Install]` section of native units, and the binding prerequisites (edges that restart).
 */
import type { Plan, PlannedObject } from "../plan/compute-plan.js";
import { effectiveUnit, runtimeRole } from "../resources/activation.js";
import type { NormalizedObject } from "../resources/managed-object.js";
import { effectiveValues, lastValue, type UnitFile } from "../units/parse.js";
import { parseTimespanMs } from "../units/timespan.js";
import type { ApplyObject, DesiredFile, HostFileKnowledge } from "./model.js";
import type { InstallInfo } from "./ports.js";
import { PODMAN_DEFAULT_STOP_TIMEOUT_MS } from "./stop-timeout.js";

/** `[Install]` of a native unit (null when it has none: nothing to enable). */
export function installInfo(unit: UnitFile | null): InstallInfo | null {
  if (!unit) return null;
  const words = (key: string) =>
    effectiveValues(unit, "Install", key).flatMap((v) => v.split(/\s+/).filter(Boolean));
  const info: InstallInfo = {
    wantedBy: words("WantedBy"),
    requiredBy: words("RequiredBy"),
    alias: words("Alias"),
    also: words("Also"),
  };
  return info.wantedBy.length + info.requiredBy.length + info.alias.length > 0 ? info : null;
}

/** Per host path: whether planning saw CoreOps own it, and the digest it last wrote there. */
function hostFiles(p: PlannedObject): Record<string, HostFileKnowledge> {
  const out: Record<string, HostFileKnowledge> = {};
  const applied = new Map((p.applied?.files ?? []).map((f) => [f.path, f.digest]));
  for (const f of p.observed?.files ?? [])
    out[f.path] = { owned: f.owned, appliedDigest: applied.get(f.path) ?? null };
  return out;
}

/** A `.container`'s effective StopTimeout= (seconds in Quadlet), Podman's default when unset. */
export function containerStopTimeoutMs(unit: UnitFile | null): number | null {
  if (!unit) return null;
  const value = lastValue(unit, "Container", "StopTimeout");
  if (value === undefined || value === "") return PODMAN_DEFAULT_STOP_TIMEOUT_MS;
  return parseTimespanMs(value);
}

/** Quadlet's container name: `ContainerName=` (only the `%N` specifier is resolved), else `systemd-%N`. */
export function containerName(unitName: string, parsed: UnitFile | null): string | null {
  const stem = unitName.replace(/\.service$/, "");
  const given = parsed ? lastValue(parsed, "Container", "ContainerName") : undefined;
  const name = (given ?? "systemd-%N").replaceAll("%N", stem);
  return name.includes("%") ? null : name;
}

function sourceOf(p: PlannedObject): NormalizedObject | null {
  return p.desired ?? p.observed;
}

/** The binding prerequisites of each object (plan edges that restart; ordering-only edges do not). */
function bindingPrerequisites(plan: Plan): Map<string, string[]> {
  const prerequisites = new Map<string, string[]>();
  for (const e of plan.edges) {
    if (!e.restarts) continue;
    const list = prerequisites.get(e.to) ?? [];
    if (!list.includes(e.from)) list.push(e.from);
    prerequisites.set(e.to, list);
  }
  return prerequisites;
}

/** The exact desired bytes of an object that stays (none for a delete). */
function desiredFiles(p: PlannedObject): DesiredFile[] {
  if (p.entry.action === "delete" || !p.desired) return [];
  return p.desired.files.map((f) => ({
    path: f.path,
    content: f.bytes,
    mode: f.mode,
    owner: f.owner,
    group: f.group,
    unitFile: f.role !== "config",
  }));
}

/** What every object's executor input is built against: the plan's units, ids and binding prerequisites. */
interface PlanIndex {
  ids: ReadonlySet<string>;
  unitNames: ReadonlySet<string>;
  prerequisites: ReadonlyMap<string, string[]>;
}

/** The executor input of one planned object. */
function applyObject(p: PlannedObject, index: PlanIndex): ApplyObject {
  const id = p.entry.object.display_id;
  const o = sourceOf(p);
  const kind = p.entry.object.kind;
  const resourceType = p.entry.object.resource_type;
  const unitName = p.entry.object.unit;
  const parsed = o && kind !== "rendered_artifact" ? effectiveUnit(o) : null;
  const role = runtimeRole(kind, resourceType, unitName, parsed, index.unitNames);
  const mount = o?.mount ? { where: o.mount.where, createMountpoint: o.mount.createMountpoint } : null;
  const isContainer = kind === "quadlet_resource" && resourceType === "container";
  return {
    id,
    kind,
    unit: unitName,
    previousUnit:
      p.entry.action !== "delete" && p.observed?.unit && p.observed.unit !== unitName
        ? p.observed.unit
        : null,
    action: p.decision.action,
    files: desiredFiles(p),
    removePaths: [...p.entry.remove_paths].sort(),
    prerequisites: (index.prerequisites.get(id) ?? []).filter((d) => index.ids.has(d)).sort(),
    install: kind === "quadlet_resource" ? null : installInfo(parsed),
    activation: role.activation,
    expectation: role.expectation,
    socketUnit: role.socketUnit,
    automountUnit: role.automountUnit,
    containerName: resourceType === "container" && unitName ? containerName(unitName, parsed) : null,
    mount: kind === "mount" ? mount : null,
    toleratedVariance: p.decision.toleratedVariance,
    hostFiles: hostFiles(p),
    containerStopTimeoutMs: isContainer ? containerStopTimeoutMs(parsed) : null,
    blockedBy: p.decision.action === "blocked" ? (p.decision.blocker ?? "blocked by the plan") : null,
  };
}

/** Builds the executor input in plan order. */
export function applyObjectsFromPlan(plan: Plan): ApplyObject[] {
  const index: PlanIndex = {
    ids: new Set(plan.objects.map((p) => p.entry.object.display_id)),
    unitNames: new Set(
      plan.objects.flatMap((p) => {
        const unit = sourceOf(p)?.unit;
        return unit ? [unit] : [];
      }),
    ),
    prerequisites: bindingPrerequisites(plan),
  };
  return plan.objects.map((p) => applyObject(p, index));
}
