// The folder import graph: which top-level source folder imports which, and the two rules on it —
// no cycles between folders, and no import from one program into another (agent, harness and release
// share nothing; ARCHITECTURE.md "Two workspaces that share no code"). Pure: paths in, findings out.
import { posix } from "node:path";

/**
 * The program root a repository path belongs to (`agent/src`, …), or undefined.
 * @param {string[]} roots
 * @param {string} path
 */
export function rootOf(roots, path) {
  return roots.find((root) => path.startsWith(`${root}/`));
}

/**
 * The graph node of a file: its top-level folder under the program root (`agent/src/plan`), or the file
 * itself when it sits directly in the root (`agent/src/errors.ts`).
 */
export function folderOf(roots, path) {
  const root = rootOf(roots, path);
  if (root === undefined) return undefined;
  const [first] = path.slice(root.length + 1).split("/");
  return `${root}/${first}`;
}

/**
 * Resolves a relative specifier (`./x.js`, `../plan/index.js`) against the importing file to a known
 * repository path (TypeScript's `.js` → `.ts` convention included); undefined for packages.
 * @param {Set<string>} known
 */
export function resolveImport(known, from, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const stem = base.replace(/\.(m|c)?js$/, "");
  const candidates = [base, `${stem}.ts`, `${stem}.mts`, `${stem}.mjs`, `${base}.ts`, `${base}/index.ts`];
  return candidates.find((candidate) => known.has(candidate)) ?? base;
}

/** Workspace package names per program root, for package imports across programs. */
const PACKAGE_OF_ROOT = { "agent/src": "@core-ops/agent", "harness/src": "@core-ops/harness" };

/**
 * @param {string[]} roots program roots, e.g. ["agent/src", "harness/src"]
 * @param {{ from: string, to?: string, specifier: string, line: number }[]} edges resolved imports
 */
export function crossProgramFindings(roots, edges) {
  const findings = [];
  for (const edge of edges) {
    const fromRoot = rootOf(roots, edge.from);
    const program = fromRoot.split("/")[0];
    const outside = edge.to !== undefined && !edge.to.startsWith(`${program}/`);
    const foreignPackage = Object.entries(PACKAGE_OF_ROOT).some(
      ([root, name]) =>
        root !== fromRoot && (edge.specifier === name || edge.specifier.startsWith(`${name}/`)),
    );
    if (outside || foreignPackage)
      findings.push({
        rule: "cross-program",
        path: edge.from,
        line: edge.line,
        message: `imports ${edge.specifier} from outside ${program}/: the programs share no code — copy the idea or move it into this program`,
      });
  }
  return findings;
}

/** Strongly connected components (Tarjan) of a graph given as Map<node, Set<node>>. */
export function stronglyConnected(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (node) => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indices.get(next)));
    }
    if (low.get(node) !== indices.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) connect(node);
  return components;
}

/** A shortest folder path from `start` to `goal` in the graph (breadth first), both included. */
function shortestPath(graph, start, goal) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    if (node === goal) break;
    for (const next of [...(graph.get(node) ?? [])].sort())
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
  }
  const path = [];
  for (let node = goal; node !== undefined; node = previous.get(node)) path.unshift(node);
  return path;
}

/**
 * One finding per folder-to-folder import that lies on a cycle (both folders in one strongly connected
 * set), at one importing file:line, with the way back. `name` ("a -> b") is the allowlist key, so breaking
 * one import leaves exactly its entries stale.
 * @param {string[]} roots
 * @param {{ from: string, to?: string, line: number }[]} edges
 */
export function folderCycleFindings(roots, edges) {
  const graph = new Map();
  const example = new Map();
  for (const edge of edges) {
    const from = folderOf(roots, edge.from);
    const to = edge.to === undefined ? undefined : folderOf(roots, edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from).add(to);
    const key = `${from} -> ${to}`;
    if (!example.has(key)) example.set(key, edge);
  }
  const component = new Map();
  for (const members of stronglyConnected(graph))
    for (const member of members) component.set(member, members);
  const findings = [];
  for (const [key, edge] of [...example.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [from, to] = key.split(" -> ");
    if (component.get(from) !== component.get(to)) continue;
    const back = shortestPath(graph, to, from).map((node) => node.split("/").pop());
    findings.push({
      rule: "folder-cycle",
      path: edge.from,
      line: edge.line,
      name: key,
      message: `imports ${to}, which imports back (${back.join(" → ")}): move the shared idea into a folder both may import, or invert one import`,
    });
  }
  return findings;
}
