/**
 * Retained snapshots of successfully applied revisions (issue 4 §2, original-inventory §2h): the full
 * desired state of the last 10 converged revisions, in `snapshots.json` next to status.json, written
 * atomically. `apply --rollback-to <rev>` plans with a snapshot as the desired state, so a rollback needs
 * neither the repository nor the network.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { CoreOpsError } from "../errors.js";
import { writeFileAtomic } from "./atomic-file.js";

export const SNAPSHOTS_SCHEMA_VERSION = 1 as const;
export const DEFAULT_ROLLBACK_HISTORY = 10;

const SourceRefSchema = z.object({ layer: z.enum(["base", "host"]), path: z.string() });
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/** The serialized form of desired/model.ts `DesiredState` (Buffers as base64). */
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
      content_base64: Base64,
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
      content_base64: Base64,
      mode: z.number().int(),
      owner: z.string(),
      group: z.string(),
    }),
  ),
});
export type DesiredSnapshot = z.infer<typeof DesiredSnapshotSchema>;

const Revision = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/);

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

export type SnapshotsRead =
  | { kind: "absent"; path: string }
  | { kind: "invalid"; path: string; reason: string }
  | { kind: "ok"; path: string; file: SnapshotsFile };

export function readSnapshots(path: string): SnapshotsRead {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
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
  const parsed = SnapshotsFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      kind: "invalid",
      path,
      reason: `${first?.path.join(".") || "(root)"}: ${first?.message ?? "invalid"}`,
    };
  }
  return { kind: "ok", path, file: parsed.data };
}

/** Adds (or refreshes) the snapshot of a converged revision and keeps the newest `keep`. */
export function retainSnapshot(
  path: string,
  snapshot: Snapshot,
  keep = DEFAULT_ROLLBACK_HISTORY,
): SnapshotsFile {
  const current = readSnapshots(path);
  const previous = current.kind === "ok" ? current.file.snapshots : [];
  const next: SnapshotsFile = {
    schema_version: SNAPSHOTS_SCHEMA_VERSION,
    snapshots: [
      SnapshotSchema.parse(snapshot),
      ...previous.filter((s) => !(s.revision === snapshot.revision && s.host === snapshot.host)),
    ].slice(0, keep),
  };
  writeFileAtomic(path, `${JSON.stringify(next)}\n`, { mode: 0o600 });
  return next;
}

/** Drops every snapshot (used by `init --force` when the repository or ref changes). */
export function clearSnapshots(path: string): void {
  writeFileAtomic(path, `${JSON.stringify({ schema_version: SNAPSHOTS_SCHEMA_VERSION, snapshots: [] })}\n`, {
    mode: 0o600,
  });
}

export type RollbackEligibility = "eligible" | "missing_snapshot" | "incompatible_scope" | "unreadable";

/**
 * Finds the snapshot for `rev` (a full id or an unambiguous prefix of at least 7 hex digits) on `host`.
 * Ineligible targets throw before any side effect: `rollback target <rev> is <eligibility>: <reason>`.
 */
export function findRollbackTarget(path: string, rev: string, host: string): Snapshot {
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
  return forHost;
}
