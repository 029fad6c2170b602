/**
 * Retained snapshots of successfully applied revisions (README.md "State directory"): the full desired
 * state of the last 10 converged revisions, in `snapshots.json` next to status.json, written atomically
 * (0600). File contents are not inlined: each names the sha256 of its bytes in the content store
 * (content-store.ts), so a snapshot file stays small whatever the files weigh. `apply --rollback-to <rev>`
 * plans with a snapshot as the desired state, so a rollback needs neither the repository nor the network.
 * A schema_version 1 file (core-ops 0.2.0, contents inline as base64) is read through legacy-v1.ts.
 */
import { dirname, join } from "node:path";
import { z } from "zod";
import { CoreOpsError } from "../errors.js";
import { writeFileAtomic } from "./atomic-file.js";
import { type Digest, objectsDirFor, putObject, readObject } from "./content-store.js";
import { SnapshotsFileV1Schema, snapshotsFromV1 } from "./legacy-v1.js";
import { readStateFile } from "./read-state-file.js";
import { stateWriteError } from "./write-error.js";

export const SNAPSHOTS_SCHEMA_VERSION = 2 as const;
export const DEFAULT_ROLLBACK_HISTORY = 10;

export const SourceRefSchema = z.object({ layer: z.enum(["base", "host"]), path: z.string() });
export const ContentDigestSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, "a content digest sha256:<64 hex>")
  .transform((s) => s as Digest);

/** The serialized form of desired/model.ts `DesiredState` (file contents by digest in the store). */
export const DesiredSnapshotSchema = z.object({
  host: z.string(),
  hostFile: z.string(),
  services: z.array(z.string()),
  units: z.array(
    z.object({
      service: z.string(),
      fileName: z.string(),
      family: z.enum(["quadlet", "native"]),
      source: SourceRefSchema,
      text: z.string(),
      dropIns: z.array(
        z.object({
          name: z.string(),
          source: SourceRefSchema,
          text: z.string(),
          replaces: SourceRefSchema.optional(),
        }),
      ),
    }),
  ),
  companions: z.array(
    z.object({
      service: z.string(),
      relPath: z.string(),
      source: SourceRefSchema,
      content: ContentDigestSchema,
      size: z.number().int().nonnegative(),
      mode: z.number().int(),
      referencedBy: z.array(z.string()),
    }),
  ),
  configs: z.array(
    z.object({
      service: z.string(),
      target: z.string(),
      source: SourceRefSchema,
      replaces: SourceRefSchema.optional(),
      content: ContentDigestSchema,
      size: z.number().int().nonnegative(),
      mode: z.number().int(),
      owner: z.string(),
      group: z.string(),
    }),
  ),
});
export type DesiredSnapshot = z.infer<typeof DesiredSnapshotSchema>;

export const Revision = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/);

export const SnapshotSchema = z.object({
  revision: Revision,
  /** The scope: a snapshot only rolls back the host it was applied to. */
  host: z.string(),
  repository: z.string().nullable(),
  requested_ref: z.string().nullable(),
  applied_at: z.string(),
  desired: DesiredSnapshotSchema,
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const SnapshotsFileSchema = z.object({
  schema_version: z.literal(SNAPSHOTS_SCHEMA_VERSION),
  /** Most recent first; at most DEFAULT_ROLLBACK_HISTORY entries; one per revision. */
  snapshots: z.array(SnapshotSchema),
});
export type SnapshotsFile = z.infer<typeof SnapshotsFileSchema>;

/** `snapshots.json` in the directory of status.json. */
export function snapshotsPathFor(statePath: string): string {
  return join(dirname(statePath), "snapshots.json");
}

/** Every content digest the snapshots of `file` reference (what the store must keep). */
export function referencedDigests(file: SnapshotsFile): Set<Digest> {
  const out = new Set<Digest>();
  for (const s of file.snapshots) {
    for (const c of s.desired.companions) out.add(c.content);
    for (const c of s.desired.configs) out.add(c.content);
  }
  return out;
}

export type SnapshotsRead =
  | { kind: "absent"; path: string }
  | { kind: "invalid"; path: string; reason: string }
  /**
   * `legacy`: read from a schema_version 1 file; its contents are not in the store yet but in this map
   * (persistLegacySnapshots moves them there).
   */
  | { kind: "ok"; path: string; file: SnapshotsFile; legacy: Map<Digest, Buffer> | null };

function firstIssue(error: z.ZodError): string {
  const first = error.issues[0];
  return `${first?.path.join(".") || "(root)"}: ${first?.message ?? "invalid"}`;
}

export function readSnapshots(path: string): SnapshotsRead {
  let text: string;
  try {
    text = readStateFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent", path };
    return { kind: "invalid", path, reason: `cannot read: ${(err as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: "invalid", path, reason: `not valid JSON: ${(err as Error).message}` };
  }
  const version = (json as { schema_version?: unknown } | null)?.schema_version;
  if (version === 1) {
    const v1 = SnapshotsFileV1Schema.safeParse(json);
    if (!v1.success) return { kind: "invalid", path, reason: firstIssue(v1.error) };
    const { file, contents } = snapshotsFromV1(v1.data);
    return { kind: "ok", path, file: SnapshotsFileSchema.parse(file), legacy: contents };
  }
  const parsed = SnapshotsFileSchema.safeParse(json);
  if (!parsed.success) return { kind: "invalid", path, reason: firstIssue(parsed.error) };
  return { kind: "ok", path, file: parsed.data, legacy: null };
}

function writeSnapshotsFile(path: string, file: SnapshotsFile): void {
  try {
    writeFileAtomic(path, `${JSON.stringify(SnapshotsFileSchema.parse(file))}\n`, { mode: 0o600 });
  } catch (err) {
    throw stateWriteError(err, path);
  }
}

/**
 * Moves the inline contents of a schema_version 1 file into the store, then rewrites the file as
 * schema_version 2 (contents first: a crash in between leaves the old file, read as before).
 * Returns the file as it now is on disk; a no-op for a current file.
 */
export function persistLegacySnapshots(
  read: Extract<SnapshotsRead, { kind: "ok" }>,
  objectsDir: string,
): SnapshotsFile {
  if (!read.legacy) return read.file;
  for (const [digest, bytes] of read.legacy) putObject(objectsDir, bytes, digest);
  writeSnapshotsFile(read.path, read.file);
  return read.file;
}

/**
 * Adds (or refreshes) the snapshot of a converged revision and keeps the newest `keep`. Every content
 * the snapshot names must already be in the store (write order: contents → snapshots → status.json).
 */
export function retainSnapshot(
  path: string,
  snapshot: Snapshot,
  objectsDir: string,
  keep = DEFAULT_ROLLBACK_HISTORY,
): SnapshotsFile {
  const current = readSnapshots(path);
  const previous = current.kind === "ok" ? persistLegacySnapshots(current, objectsDir).snapshots : [];
  const next: SnapshotsFile = {
    schema_version: SNAPSHOTS_SCHEMA_VERSION,
    snapshots: [
      SnapshotSchema.parse(snapshot),
      ...previous.filter((s) => !(s.revision === snapshot.revision && s.host === snapshot.host)),
    ].slice(0, keep),
  };
  writeSnapshotsFile(path, next);
  return next;
}

export type RollbackEligibility = "eligible" | "missing_snapshot" | "incompatible_scope" | "unreadable";

/**
 * Finds the snapshot for `rev` (a full id or an unambiguous prefix of at least 7 hex digits) on `host`.
 * Ineligible targets throw before any side effect: `rollback target <rev> is <eligibility>: <reason>`.
 */
export interface RollbackTarget {
  snapshot: Snapshot;
  /** The stored bytes of a digest the snapshot names (typed error when missing or damaged). */
  content: (digest: Digest) => Buffer;
}

export function findRollbackTarget(path: string, rev: string, host: string): RollbackTarget {
  const read = readSnapshots(path);
  const fail = (eligibility: RollbackEligibility, reason: string, hint: string) =>
    new CoreOpsError(`rollback target ${rev} is ${eligibility}: ${reason}`, {
      code: `rollback_${eligibility}`,
      file: path,
      field: "--rollback-to",
      hint,
    });
  if (read.kind === "invalid")
    throw fail(
      "unreadable",
      read.reason,
      "the snapshot file is damaged; rollback needs a new successful apply first",
    );
  const all = read.kind === "ok" ? read.file.snapshots : [];
  const needle = rev.toLowerCase();
  if (!/^[0-9a-f]{7,64}$/.test(needle))
    throw fail(
      "missing_snapshot",
      "not a commit id",
      "give the full or abbreviated (≥ 7 hex digits) commit id",
    );
  const matches = all.filter((s) => s.revision.startsWith(needle));
  const revisions = [...new Set(matches.map((s) => s.revision))];
  if (revisions.length > 1)
    throw fail("missing_snapshot", `ambiguous prefix (${revisions.join(", ")})`, "give more hex digits");
  if (matches.length === 0) {
    const known = [...new Set(all.filter((s) => s.host === host).map((s) => s.revision.slice(0, 8)))];
    throw fail(
      "missing_snapshot",
      `no retained snapshot found for revision ${rev}`,
      known.length
        ? `retained revisions for ${host}: ${known.join(", ")}`
        : "no revision has been applied successfully yet",
    );
  }
  const forHost = matches.find((s) => s.host === host);
  if (!forHost) {
    throw fail(
      "incompatible_scope",
      `the snapshot was applied to host ${matches[0]?.host}, not ${host}`,
      "roll back on the host the revision was applied to",
    );
  }
  const legacy = read.kind === "ok" ? read.legacy : null;
  const objects = objectsDirFor(path);
  return { snapshot: forHost, content: (d) => legacy?.get(d) ?? readObject(objects, d) };
}
