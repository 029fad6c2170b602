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

/** Builds the executor input in plan order. */
export function applyObjectsFromPlan(plan: Plan): ApplyObject[] {
  const byId = new Map(plan.objects.map((p) => [p.entry.object.display_id, p]));
  const units = new Map<string, string>();
  for (const p of plan.objects) {
    const o = sourceOf(p);
    if (o?.unit) units.set(o.unit, p.entry.object.display_id);
  }
  const prerequisites = new Map<string, string[]>();
  for (const e of plan.edges) {
    if (!e.restarts) continue;
    const list = prerequisites.get(e.to) ?? [];
    if (!list.includes(e.from)) list.push(e.from);
    prerequisites.set(e.to, list);
  }

  const unitNames = new Set(units.keys());
  return plan.objects.map((p): ApplyObject => {
    const id = p.entry.object.display_id;
    const o = sourceOf(p);
    const kind = p.entry.object.kind;
    const resourceType = p.entry.object.resource_type;
    const unitName = p.entry.object.unit;
    const parsed = o && kind !== "rendered_artifact" ? effectiveUnit(o) : null;
    const files: DesiredFile[] =
      p.entry.action === "delete" || !p.desired
        ? []
        : p.desired.files.map((f) => ({
            path: f.path,
            content: f.bytes,
            mode: f.mode,
            owner: f.owner,
            group: f.group,
            unitFile: f.role !== "config",
          }));

    const { activation, expectation, socketUnit, automountUnit } = runtimeRole(
      kind,
      resourceType,
      unitName,
      parsed,
      unitNames,
    );
    const mount = o?.mount ? { where: o.mount.where, createMountpoint: o.mount.createMountpoint } : null;
    const deps = (prerequisites.get(id) ?? []).filter((d) => byId.has(d)).sort();
    return {
      id,
      kind,
      unit: unitName,
      previousUnit:
        p.entry.action !== "delete" && p.observed?.unit && p.observed.unit !== unitName
          ? p.observed.unit
          : null,
      action: p.decision.action,
      files,
      removePaths: [...p.entry.remove_paths].sort(),
      prerequisites: deps,
      install: kind === "quadlet_resource" ? null : installInfo(parsed),
      activation,
      expectation,
      socketUnit,
      automountUnit,
      containerName: resourceType === "container" && unitName ? containerName(unitName, parsed) : null,
      mount: kind === "mount" ? mount : null,
      toleratedVariance: p.decision.toleratedVariance,
      hostFiles: hostFiles(p),
      containerStopTimeoutMs:
        kind === "quadlet_resource" && resourceType === "container" ? containerStopTimeoutMs(parsed) : null,
      blockedBy: p.decision.action === "blocked" ? (p.decision.blocker ?? "blocked by the plan") : null,
    };
  });
}
