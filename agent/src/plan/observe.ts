/**
 * Observation: reads, through a `HostObserver`, the host files of every object that is desired, in the
 * inventory, or marked `# Managed by CoreOps` in the managed directories, and normalizes them with the same
 * functions as the desired side. Ownership per file: the marker or the inventory; unowned files are
 * observed (they may need replacing) but never deleted.
 */
import { posix } from "node:path";
import { LARGE_CONTENT_BYTES, type LargeContent } from "../model/large-content.js";
import type { ManagedDirs } from "../resources/from-desired.js";
import { fileDisplayId, unitDisplayId } from "../resources/identity.js";
import type { NormalizedObject, ObjectFile } from "../resources/managed-object.js";
import { hasManagedMarker, MANAGED_MARKER } from "../resources/marker.js";
import { normalizeArtifact } from "../resources/normalize-artifact.js";
import { normalizeUnit } from "../resources/normalize-unit.js";
import type { InventoryObject } from "../state/status.js";
import { NATIVE_UNIT_EXTENSIONS, QUADLET_EXTENSIONS, unitExtension } from "../units/quadlet.js";
import type { HostObserver, UnitRuntime } from "./host-observer.js";

export interface Observed {
  /** Observed objects by id (only ids with at least one file on the host). */
  objects: Map<string, NormalizedObject>;
  /** Unmanaged drop-ins found next to managed units, by object id. */
  foreignDropIns: Map<string, string[]>;
  runtime: Map<string, UnitRuntime>;
  /** Ids of Quadlet files referenced by desired objects that exist on the host although not desired. */
  unmanagedReferenced: Set<string>;
  /** Desired mounts with `[X-CoreOps] CreateMountpoint=false` whose mountpoint is not a directory on the host,
   * by object id → the mountpoint. */
  missingMountpoints: Map<string, string>;
}

interface UnitCandidate {
  fileName: string;
  family: "quadlet" | "native";
}

const MARKER_HEAD = Buffer.byteLength(MANAGED_MARKER) + 8;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}

/**
 * Directory listings memoized per run: a file is only stat'ed/read when its parent listing names it, so
 * planning thousands of objects against a sparse host costs one readdir per directory, not a failed
 * syscall per file.
 */
class DirCache {
  private readonly listings = new Map<string, Promise<Map<string, { isDir: boolean; isFile: boolean }>>>();
  constructor(private readonly observer: HostObserver) {}

  list(dir: string): Promise<Map<string, { isDir: boolean; isFile: boolean }>> {
    const key = posix.normalize(dir);
    let p = this.listings.get(key);
    if (!p) {
      p = this.load(key);
      this.listings.set(key, p);
    }
    return p;
  }

  private async load(dir: string): Promise<Map<string, { isDir: boolean; isFile: boolean }>> {
    if (dir !== "/") {
      const parent = await this.list(posix.dirname(dir));
      const self = parent.get(posix.basename(dir));
      // Absent, or a plain file: nothing below. Symlinks (neither dir nor file here) are listed for real.
      if (!self || self.isFile) return new Map();
    }
    const entries = await this.observer.listDir(dir);
    return new Map(entries.map((e) => [e.name, { isDir: e.isDir, isFile: e.isFile }]));
  }

  async mayExist(path: string): Promise<boolean> {
    return (await this.list(posix.dirname(path))).has(posix.basename(path));
  }
}

async function marked(observer: HostObserver, path: string): Promise<boolean> {
  const head = await observer.readHead(path, MARKER_HEAD);
  return head !== null && hasManagedMarker(head);
}

/** Marked unit files and marked drop-ins in a managed directory. */
async function scanUnitDir(
  observer: HostObserver,
  dir: string,
  family: "quadlet" | "native",
  found: Map<string, UnitCandidate>,
): Promise<void> {
  const exts = family === "quadlet" ? QUADLET_EXTENSIONS : NATIVE_UNIT_EXTENSIONS;
  for (const e of await observer.listDir(dir)) {
    if (e.isFile && exts.includes(unitExtension(e.name))) {
      if (await marked(observer, posix.join(dir, e.name)))
        found.set(unitDisplayId(e.name), { fileName: e.name, family });
    } else if (e.isDir && e.name.endsWith(".d") && exts.includes(unitExtension(e.name.slice(0, -2)))) {
      const unitName = e.name.slice(0, -2);
      for (const d of await observer.listDir(posix.join(dir, e.name))) {
        if (
          d.isFile &&
          d.name.endsWith(".conf") &&
          (await marked(observer, posix.join(dir, e.name, d.name)))
        ) {
          found.set(unitDisplayId(unitName), { fileName: unitName, family });
          break;
        }
      }
    }
  }
}

/** Marked non-unit files under the Quadlet directory (companions), up to a small depth. */
async function scanCompanions(
  observer: HostObserver,
  dir: string,
  depth: number,
  out: Set<string>,
): Promise<void> {
  for (const e of await observer.listDir(dir)) {
    const p = posix.join(dir, e.name);
    if (e.isDir) {
      if (depth > 0 && !e.name.endsWith(".d")) await scanCompanions(observer, p, depth - 1, out);
    } else if (
      e.isFile &&
      !QUADLET_EXTENSIONS.includes(unitExtension(e.name)) &&
      !NATIVE_UNIT_EXTENSIONS.includes(unitExtension(e.name))
    ) {
      if (await marked(observer, p)) out.add(p);
    }
  }
}

function toObjectFile(
  f: { path: string; bytes: Buffer; mode: number; owner: string; group: string; large?: LargeContent },
  role: ObjectFile["role"],
  owned: boolean,
): ObjectFile {
  return { ...f, role, source: null, replaces: null, owned };
}

/** What the observation steps share. */
interface Observation {
  observer: HostObserver;
  dirs: ManagedDirs;
  cache: DirCache;
  /** Paths the inventory records as CoreOps's own. */
  inventoryPaths: Set<string>;
}

interface Candidates {
  units: Map<string, UnitCandidate>;
  files: Map<string, ObjectFile["role"]>;
}

export async function observeHost(
  observer: HostObserver,
  dirs: ManagedDirs,
  desired: readonly NormalizedObject[],
  inventory: readonly InventoryObject[],
): Promise<Observed> {
  const inventoryPaths = new Set(inventory.flatMap((o) => o.files.map((f) => f.path)));
  const { units, files } = await candidates(observer, dirs, desired, inventory);

  const run: Observation = { observer, dirs, cache: new DirCache(observer), inventoryPaths };
  const objects = new Map<string, NormalizedObject>();
  const foreignDropIns = new Map<string, string[]>();
  const unitList = [...units.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const unitResults = await mapLimit(unitList, 64, ([id, c]) => observeUnit(run, id, c));
  for (const r of unitResults) {
    if (r.obj) objects.set(r.id, r.obj);
    if (r.foreign.length > 0) foreignDropIns.set(r.id, r.foreign);
  }
  const fileList = [...files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const fileResults = await mapLimit(fileList, 64, ([path, role]) => observeFile(run, path, role));
  for (const o of fileResults) if (o) objects.set(fileDisplayId(o.name), o);

  const unmanagedReferenced = await findUnmanagedReferenced(run, desired, objects);
  const missingMountpoints = await findMissingMountpoints(run.cache, desired);

  const runtimeUnits = [...objects.values(), ...desired].flatMap((o) => (o.unit ? [o.unit] : []));
  const runtime = await observer.unitRuntime([...new Set(runtimeUnits)].sort());
  return { objects, foreignDropIns, runtime, unmanagedReferenced, missingMountpoints };
}

/** The units and files to observe: desired, in the inventory, or marked in the managed directories. */
async function candidates(
  observer: HostObserver,
  dirs: ManagedDirs,
  desired: readonly NormalizedObject[],
  inventory: readonly InventoryObject[],
): Promise<Candidates> {
  const units = new Map<string, UnitCandidate>();
  const files = new Map<string, ObjectFile["role"]>();
  const inQuadletDir = (p: string) => p.startsWith(`${dirs.quadletDir.replace(/\/$/, "")}/`);

  for (const o of desired) {
    if (o.kind === "rendered_artifact") files.set(o.name, o.files[0]?.role ?? "config");
    else units.set(o.id, { fileName: o.name, family: o.kind === "quadlet_resource" ? "quadlet" : "native" });
  }
  for (const o of inventory) {
    if (o.kind === "rendered_artifact") {
      const path = o.id.slice("file/".length);
      if (!files.has(path)) files.set(path, inQuadletDir(path) ? "companion" : "config");
    } else if (!units.has(o.id)) {
      units.set(o.id, {
        fileName: o.id.slice(o.id.indexOf("/") + 1),
        family: o.kind === "quadlet_resource" ? "quadlet" : "native",
      });
    }
  }
  const scanned = new Map<string, UnitCandidate>();
  await scanUnitDir(observer, dirs.quadletDir, "quadlet", scanned);
  await scanUnitDir(observer, dirs.unitDir, "native", scanned);
  for (const [id, c] of scanned) if (!units.has(id)) units.set(id, c);
  const companions = new Set<string>();
  await scanCompanions(observer, dirs.quadletDir, 3, companions);
  for (const p of companions) if (!files.has(p)) files.set(p, "companion");
  return { units, files };
}

/** One unit on the host: its file and owned drop-ins, normalized; unowned drop-ins are reported as foreign. */
async function observeUnit(
  run: Observation,
  id: string,
  c: UnitCandidate,
): Promise<{ id: string; obj: NormalizedObject | null; foreign: string[] }> {
  const { observer, dirs, cache, inventoryPaths } = run;
  const dir = c.family === "quadlet" ? dirs.quadletDir : dirs.unitDir;
  const unitPath = posix.join(dir, c.fileName);
  const raw = (await cache.mayExist(unitPath)) ? await observer.readFile(unitPath) : null;
  const unitFile = raw
    ? toObjectFile(raw, "unit", hasManagedMarker(raw.bytes) || inventoryPaths.has(unitPath))
    : null;
  const dropInDir = posix.join(dir, `${c.fileName}.d`);
  const dropIns: ObjectFile[] = [];
  const foreign: string[] = [];
  const dropInEntries = (await cache.mayExist(dropInDir)) ? await observer.listDir(dropInDir) : [];
  for (const e of dropInEntries) {
    if (!e.isFile || !e.name.endsWith(".conf")) continue;
    const p = posix.join(dropInDir, e.name);
    const f = await observer.readFile(p);
    if (!f) continue;
    if (hasManagedMarker(f.bytes) || inventoryPaths.has(p)) dropIns.push(toObjectFile(f, "dropin", true));
    else foreign.push(p);
  }
  if (!unitFile && dropIns.length === 0) return { id, obj: null, foreign };
  const obj = normalizeUnit({
    fileName: c.fileName,
    family: c.family,
    dir,
    unitFile,
    dropIns,
    strict: false,
  });
  return { id, obj, foreign };
}

async function observeFile(
  run: Observation,
  path: string,
  role: ObjectFile["role"],
): Promise<NormalizedObject | null> {
  if (!(await run.cache.mayExist(path))) return null;
  const f = await run.observer.readFile(path, { digestAbove: LARGE_CONTENT_BYTES });
  if (!f) return null;
  const owned = run.inventoryPaths.has(path) || (role === "companion" && hasManagedMarker(f.bytes));
  return normalizeArtifact(toObjectFile(f, role, owned));
}

/** Quadlet files that desired objects reference, present on the host although not desired. */
async function findUnmanagedReferenced(
  run: Observation,
  desired: readonly NormalizedObject[],
  objects: Map<string, NormalizedObject>,
): Promise<Set<string>> {
  const desiredIds = new Set(desired.map((o) => o.id));
  const referenced = new Set<string>();
  for (const o of desired) for (const r of o.deps) if (r.type === "quadlet") referenced.add(r.fileName);
  const unmanagedReferenced = new Set<string>();
  for (const fileName of [...referenced].sort()) {
    const id = unitDisplayId(fileName);
    if (desiredIds.has(id)) continue;
    const path = posix.join(run.dirs.quadletDir, fileName);
    if (
      objects.has(id) ||
      ((await run.cache.mayExist(path)) && (await run.observer.readHead(path, 1)) !== null)
    )
      unmanagedReferenced.add(id);
  }
  return unmanagedReferenced;
}

/** Desired mounts with `CreateMountpoint=false` whose mountpoint is not a directory on the host. */
async function findMissingMountpoints(
  cache: DirCache,
  desired: readonly NormalizedObject[],
): Promise<Map<string, string>> {
  const missingMountpoints = new Map<string, string>();
  for (const o of desired) {
    if (o.kind !== "mount" || !o.mount || o.mount.createMountpoint) continue;
    const where = posix.normalize(o.mount.where);
    const entry = (await cache.list(posix.dirname(where))).get(posix.basename(where));
    // A symlink to a directory is neither isDir nor isFile in a listing; systemd follows it, so it counts.
    if (!entry || entry.isFile) missingMountpoints.set(o.id, where);
  }
  return missingMountpoints;
}
