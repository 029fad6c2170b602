/**
 * Topological order of the dependency graph (Kahn) with a lexical tie-break, so the same graph always
 * yields the same order whatever order its nodes and edges were discovered in. A cycle is an error that
 * names the cycle.
 */
import { layoutError } from "../errors.js";

export interface Edge {
  /** The prerequisite (must come first). */
  from: string;
  /** The dependent. */
  to: string;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A min-heap of strings (lexical), enough for thousands of nodes. */
class MinHeap {
  private readonly items: string[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: string): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compare(a[p] as string, a[i] as string) <= 0) break;
      [a[p], a[i]] = [a[i] as string, a[p] as string];
      i = p;
    }
  }
  pop(): string | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as string;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && compare(a[l] as string, a[m] as string) < 0) m = l;
        if (r < a.length && compare(a[r] as string, a[m] as string) < 0) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i] as string, a[m] as string];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Orders `nodes` so every edge's `from` precedes its `to`; among ready nodes the lexically smallest goes
 * first. Edges naming nodes outside `nodes` are ignored; self-edges are cycles. `fileOf` names the source
 * file of a node, for the cycle error (the first node's file is the error's file, the others related).
 */
export function topoOrder(
  nodes: Iterable<string>,
  edges: readonly Edge[],
  fileOf: (node: string) => string | undefined = () => undefined,
): string[] {
  const all = [...new Set(nodes)].sort(compare);
  const known = new Set(all);
  const indegree = new Map<string, number>(all.map((n) => [n, 0]));
  const out = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const e of edges) {
    if (!known.has(e.from) || !known.has(e.to)) continue;
    const key = `${e.from}\u0000${e.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
    const list = out.get(e.from);
    if (list) list.push(e.to);
    else out.set(e.from, [e.to]);
  }
  const heap = new MinHeap();
  for (const n of all) if (indegree.get(n) === 0) heap.push(n);
  const order: string[] = [];
  for (let n = heap.pop(); n !== undefined; n = heap.pop()) {
    order.push(n);
    for (const m of out.get(n) ?? []) {
      const d = (indegree.get(m) ?? 0) - 1;
      indegree.set(m, d);
      if (d === 0) heap.push(m);
    }
  }
  if (order.length !== all.length) {
    const remaining = new Set(all.filter((n) => (indegree.get(n) ?? 0) > 0));
    const cycle = findCycle(remaining, out);
    const files = [...new Set(cycle.map((n) => fileOf(n) ?? n))];
    throw layoutError(`dependency cycle: ${cycle.join(" -> ")}`, {
      code: "dependency_cycle",
      file: cycle[0] === undefined ? undefined : fileOf(cycle[0]),
      field: "Requires=/After=/Wants=/BindsTo=/RequiresMountsFor=/Volume=/Network=/Pod=",
      hint: "remove one of the dependencies in the cycle; systemd cannot order units that depend on each other in a loop",
      related: files.slice(1),
    });
  }
  return order;
}

/** A cycle among the nodes Kahn could not order, starting at its lexically smallest node. */
function findCycle(remaining: Set<string>, out: Map<string, string[]>): string[] {
  const start = [...remaining].sort(compare)[0] as string;
  // Walk forward within `remaining` (every such node has an incoming edge from `remaining`, so we can
  // follow edges backwards; forward walking works too because each remaining node lies on or leads into a cycle).
  const onPath = new Map<string, number>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    onPath.set(n, path.length);
    path.push(n);
    for (const m of [...(out.get(n) ?? [])].sort(compare)) {
      if (!remaining.has(m)) continue;
      const at = onPath.get(m);
      if (at !== undefined) return [...path.slice(at), m];
      const found = visit(m);
      if (found) return found;
    }
    path.pop();
    onPath.delete(n);
    remaining.delete(n);
    return undefined;
  };
  for (const n of [start, ...[...remaining].sort(compare)]) {
    if (!remaining.has(n)) continue;
    const c = visit(n);
    if (c) {
      // Rotate so the cycle starts at its smallest member, for a stable message.
      const ring = c.slice(0, -1);
      let min = 0;
      for (let i = 1; i < ring.length; i++) if (compare(ring[i] as string, ring[min] as string) < 0) min = i;
      const rotated = [...ring.slice(min), ...ring.slice(0, min)];
      return [...rotated, rotated[0] as string];
    }
  }
  return [start, start];
}
