/**
 * The content-addressed store next to status.json (README.md "State directory"): every file content a
 * retained snapshot needs, stored once under `objects/<2 hex>/<62 hex>` by its sha256. Objects are written
 * like every state file (temp file, fsync, rename, fsync of the directory), are 0600, and are never
 * rewritten. Nothing outside `objects/` is ever touched here (a `backup/` directory next to it belongs to
 * someone else).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { CoreOpsError } from "../errors.js";
import { fsyncDir, isCoreOpsTempFile, writeFileAtomic } from "./atomic-file.js";
import { stateWriteError } from "./write-error.js";

export type Digest = `sha256:${string}`;
const DIGEST = /^sha256:([0-9a-f]{2})([0-9a-f]{62})$/;
const FAN = /^[0-9a-f]{2}$/;
const REST = /^[0-9a-f]{62}$/;

/** `objects/` in the directory of status.json. */
export function objectsDirFor(statePath: string): string {
  return join(dirname(statePath), "objects");
}

export function digestOf(bytes: Uint8Array): Digest {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function objectPath(objectsDir: string, digest: string): string {
  const m = DIGEST.exec(digest);
  if (!m) throw new Error(`not a sha256 digest: ${digest}`);
  return join(objectsDir, m[1] as string, m[2] as string);
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Stores `bytes` (idempotent) and returns its digest. Durable when it returns. */
export function putObject(objectsDir: string, bytes: Uint8Array, known?: Digest): Digest {
  const digest = known ?? digestOf(bytes);
  const path = objectPath(objectsDir, digest);
  if (isFile(path)) return digest;
  const fanIsNew = !isDir(dirname(path));
  try {
    writeFileAtomic(path, bytes, { mode: 0o600, dirMode: 0o700 });
  } catch (err) {
    throw stateWriteError(err, path);
  }
  if (fanIsNew) {
    // A new fan-out directory is durable only once its own entry is.
    fsyncDir(objectsDir);
    fsyncDir(dirname(objectsDir));
  }
  return digest;
}

/**
 * Reads an object back and checks it against its digest: a missing or damaged object is a typed error
 * (the snapshot that needs it cannot be used), never silently wrong content.
 */
export function readObject(objectsDir: string, digest: string): Buffer {
  const path = objectPath(objectsDir, digest);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new CoreOpsError(`stored content ${digest} is missing: ${(err as Error).message}`, {
      code: "state_object_missing",
      file: path,
      hint: "the content store next to status.json lost an object; apply the tracked ref again to re-create a usable snapshot",
    });
  }
  if (digestOf(bytes) !== digest)
    throw new CoreOpsError(`stored content ${digest} is damaged (its bytes have another sha256)`, {
      code: "state_object_damaged",
      file: path,
      hint: "remove the damaged file and apply the tracked ref again to re-create a usable snapshot",
    });
  return bytes;
}

/** Whether the store holds `digest`. */
export function hasObject(objectsDir: string, digest: string): boolean {
  return isFile(objectPath(objectsDir, digest));
}

function fans(objectsDir: string): string[] {
  try {
    return readdirSync(objectsDir)
      .filter((f) => FAN.test(f))
      .sort();
  } catch {
    return [];
  }
}

/** Every digest present in the store, sorted. */
export function listObjects(objectsDir: string): Digest[] {
  return fans(objectsDir).flatMap((fan) =>
    readdirSync(join(objectsDir, fan))
      .filter((r) => REST.test(r))
      .sort()
      .map((r): Digest => `sha256:${fan}${r}`),
  );
}

export interface GcResult {
  removed: number;
  kept: number;
}

/**
 * Removes every object not in `referenced`, and temp files of interrupted writes. Runs only under the
 * agent lock and only after the snapshots that reference the kept objects are durable.
 */
export function collectGarbage(objectsDir: string, referenced: ReadonlySet<string>): GcResult {
  let removed = 0;
  let kept = 0;
  for (const fan of fans(objectsDir)) {
    const dir = join(objectsDir, fan);
    let left = 0;
    for (const name of readdirSync(dir)) {
      if (REST.test(name) && referenced.has(`sha256:${fan}${name}`)) {
        kept += 1;
        left += 1;
      } else if (REST.test(name)) {
        unlinkSync(join(dir, name));
        removed += 1;
      } else if (isCoreOpsTempFile(name)) unlinkSync(join(dir, name));
      else left += 1; // not ours: leave it
    }
    if (left === 0) {
      try {
        rmdirSync(dir);
      } catch {}
    }
  }
  fsyncDir(objectsDir);
  return { removed, kept };
}
