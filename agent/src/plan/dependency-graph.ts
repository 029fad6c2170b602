/**
 * Resolves the dependency references of normalized objects into edges between managed objects
 * (prerequisite → dependent) and blockers (Quadlet references to files that exist neither in the
 * desired state nor on the host).
 */

import type { DependencyRef } from "../resources/dependency-refs.js";
import { unitDisplayId } from "../resources/identity.js";
import type { NormalizedObject } from "../resources/managed-object.js";
import type { Edge } from "./topo-order.js";

export interface GraphEdge extends Edge {
  via: string;
  /** Whether a change of `from` requires restarting `to` (ordering-only After=/Wants= do not). */
  restarts: boolean;
}

export interface Blocker {
  object: string;
  missing: string;
  via: string;
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const ORDERING_ONLY = new Set(["After=", "Wants="]);

export function buildGraph(
  objects: readonly NormalizedObject[],
  existsOnHost: (id: string) => boolean,
): { edges: GraphEdge[]; blockers: Blocker[] } {
  const index = indexObjects(objects);
  const edges: GraphEdge[] = [];
  const blockers: Blocker[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string, via: string) => {
    if (from === to) return;
    const key = `${from}\u0000${to}\u0000${via}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, via, restarts: !ORDERING_ONLY.has(via) });
  };
  for (const o of objects) {
    if (o.kind === "automount") {
      const mountId = `mount/${o.name.slice(0, -".automount".length)}.mount`;
      if (index.ids.has(mountId)) add(mountId, o.id, "[Automount] Where=");
    }
    for (const ref of o.deps) {
      if (ref.type === "quadlet") {
        const id = unitDisplayId(ref.fileName);
        if (index.ids.has(id)) add(id, o.id, ref.via);
        else if (!existsOnHost(id)) blockers.push({ object: o.id, missing: id, via: ref.via });
      } else {
        for (const target of prerequisites(ref, index)) add(target, o.id, ref.via);
      }
    }
  }
  edges.sort((a, b) => (a.from + a.to + a.via < b.from + b.to + b.via ? -1 : 1));
  blockers.sort((a, b) => (a.object + a.missing < b.object + b.missing ? -1 : 1));
  return { edges, blockers };
}

/** The objects by the names a reference can use: unit, file path, mount point, id. */
interface ObjectIndex {
  byUnit: Map<string, string>;
  byPath: Map<string, string>;
  /** `byPath`'s keys, sorted. */
  sortedPaths: string[];
  mounts: { where: string; id: string }[];
  ids: Set<string>;
}

function indexObjects(objects: readonly NormalizedObject[]): ObjectIndex {
  const byUnit = new Map<string, string>();
  const byPath = new Map<string, string>();
  const mounts: { where: string; id: string }[] = [];
  const ids = new Set<string>();
  for (const o of objects) {
    ids.add(o.id);
    if (o.unit) byUnit.set(o.unit, o.id);
    if (o.kind !== "rendered_artifact") byUnit.set(o.name, o.id);
    else byPath.set(o.name, o.id);
    if ((o.kind === "mount" || o.kind === "automount") && o.mount?.where)
      mounts.push({ where: o.mount.where, id: o.id });
  }
  return { byUnit, byPath, sortedPaths: [...byPath.keys()].sort(), mounts, ids };
}

/** The managed objects a unit, mount-path or file reference points to (in a fixed order). */
function prerequisites(ref: DependencyRef, index: ObjectIndex): string[] {
  switch (ref.type) {
    case "unit": {
      const target = index.byUnit.get(ref.unit);
      return target ? [target] : [];
    }
    case "mount_path":
      return index.mounts
        .filter((m) => ref.path === m.where || ref.path.startsWith(m.where === "/" ? "/" : `${m.where}/`))
        .map((m) => m.id);
    case "file": {
      if (!ref.prefix) {
        const target = index.byPath.get(ref.path);
        return target ? [target] : [];
      }
      const prefix = ref.path.endsWith("/") ? ref.path : `${ref.path}/`;
      const exact = index.byPath.get(ref.path);
      const out = exact ? [exact] : [];
      // Sorted paths: everything under `prefix` is one contiguous run starting at its lower bound.
      for (let i = lowerBound(index.sortedPaths, prefix); i < index.sortedPaths.length; i++) {
        const p = index.sortedPaths[i] as string;
        if (!p.startsWith(prefix)) break;
        out.push(index.byPath.get(p) as string);
      }
      return out;
    }
    default:
      return [];
  }
}
