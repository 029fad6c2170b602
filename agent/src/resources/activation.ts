/**
 * How a managed unit is brought up and what its runtime state should be (README "Outcomes of an apply"):
 * the one rule the planner (a stopped unit that should run is drift) and the executor (what to start,
 * what verification expects) share. Pure.
 */

import type { ManagedKind } from "../model/kinds.js";
import { applyDropIns } from "../units/dropins.js";
import { lastValue, parseUnitFile, type UnitFile } from "../units/parse.js";
import type { NormalizedObject } from "./managed-object.js";

/** How an object's unit is brought up. */
export type Activation =
  | "start" // start/restart the unit itself
  | "via_automount" // a mount with an .automount companion: activated through `automount`
  | "via_socket" // a socket-activated service: started by its `.socket`; restarted only while it runs
  | "none"; // rendered files, drop-in-only objects, timer/path-triggered services: no unit of their own

/** What post-apply verification expects of an object's unit. */
export type Expectation =
  | "active" // services, containers, pods, sockets, timers, targets, paths, automounts
  | "active_or_exited" // oneshot units (Quadlet volume/network/image/build; Type=oneshot services)
  | "mounted" // a .mount: active and its target in mountinfo
  | "none";

export interface RuntimeRole {
  activation: Activation;
  expectation: Expectation;
  /** For `via_socket`: the socket unit whose activity makes an inactive service legitimate. */
  socketUnit: string | null;
  /** For `via_automount`: the automount unit. */
  automountUnit: string | null;
}

const ONESHOT_QUADLETS = new Set(["volume", "network", "image", "build"]);

/** The unit file of an object with its drop-ins applied (null for files, or text that does not parse). */
export function effectiveUnit(o: NormalizedObject): UnitFile | null {
  const main = o.files.find((f) => f.role === "unit");
  if (!main) return null;
  try {
    const base = parseUnitFile(main.bytes.toString("utf8"), main.path);
    const dropIns = o.files
      .filter((f) => f.role === "dropin")
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((f) => parseUnitFile(f.bytes.toString("utf8"), f.path));
    return applyDropIns(base, dropIns);
  } catch {
    return null;
  }
}

/**
 * The runtime role of a unit. `units`: every managed unit name of the same desired state (a service with
 * a managed `.socket` is socket-activated; with a managed `.timer` or `.path` it is triggered).
 */
export function runtimeRole(
  kind: ManagedKind,
  resourceType: string,
  unitName: string | null,
  parsed: UnitFile | null,
  units: ReadonlySet<string>,
): RuntimeRole {
  const role: RuntimeRole = {
    activation: unitName ? "start" : "none",
    expectation: unitName ? "active" : "none",
    socketUnit: null,
    automountUnit: null,
  };
  if (kind === "rendered_artifact") return { ...role, activation: "none", expectation: "none" };
  if (kind === "quadlet_resource" && ONESHOT_QUADLETS.has(resourceType))
    role.expectation = "active_or_exited";
  else if (kind === "mount") {
    role.expectation = "mounted";
    const auto = `${(unitName ?? "").replace(/\.mount$/, "")}.automount`;
    if (units.has(auto)) {
      role.activation = "via_automount";
      role.automountUnit = auto;
    }
  }
  if (unitName?.endsWith(".service")) {
    const stem = unitName.replace(/\.service$/, "");
    if (parsed && lastValue(parsed, "Service", "Type") === "oneshot") role.expectation = "active_or_exited";
    if (units.has(`${stem}.socket`)) {
      role.activation = "via_socket";
      role.socketUnit = `${stem}.socket`;
    } else if (units.has(`${stem}.timer`) || units.has(`${stem}.path`)) {
      // Triggered by its managed timer/path unit: never started directly, inactive between runs.
      return { ...role, activation: "none", expectation: "none" };
    }
  }
  if (unitName && !/\.(service|socket|timer|target|path|mount|automount)$/.test(unitName))
    return { ...role, activation: "none", expectation: "none" };
  return role;
}
