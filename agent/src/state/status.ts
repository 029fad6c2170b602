/**
 * `status.json` — the canonical persisted provenance and reconciliation snapshot (README.md "State
 * directory"). schema_version 2; RFC 3339 UTC timestamps; written atomically and durably (0600).
 *
 * The zod schema is the single source of truth; `Status` is inferred from it. New optional fields are
 * added to the object schemas below (older readers strip what they do not know; a changed meaning of an
 * existing field needs a schema_version bump and a step in legacy-v1.ts / migrate-state.ts).
 * Readers never trust a file they cannot fully validate: missing → `absent`, anything partial, malformed
 * or of an unknown schema version → `invalid` (with the reason; `status` reports both as absent, `init`
 * refuses to overwrite an invalid one without `--force`). A schema_version 1 file (core-ops 0.2.0) is
 * read through its migration, never as absent.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { ConvergenceStatusSchema, ObjectFailureSchema } from "../model/execution.js";
import { ManagedKindSchema } from "../model/kinds.js";
import { statusDocumentFromV1 } from "./legacy-v1.js";
import { readStateFile } from "./read-state-file.js";
import { stateWriteError } from "./write-error.js";

export const STATUS_SCHEMA_VERSION = 2 as const;
/** Older schema versions this controller migrates from. */
export const MIGRATABLE_STATUS_VERSIONS: readonly number[] = [1];
export const DEFAULT_STATE_FILE = "/var/lib/core-ops/status.json";

/** `--state-file`, else `CORE_OPS_STATE_FILE`, else `/var/lib/core-ops/status.json`. */
export function resolveStateFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== "") return flag;
  const fromEnv = env.CORE_OPS_STATE_FILE;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return DEFAULT_STATE_FILE;
}

const Timestamp = z.iso
  .datetime({ offset: false })
  .describe("RFC 3339 UTC timestamp, e.g. 2026-11-29T09:41:14Z");
const Revision = z
  .string()
  .regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, "a full git commit id (40 or 64 lowercase hex digits)");

export const ControllerSchema = z.object({
  version: z.string().min(1),
  revision: z.string().min(1),
  build_time: Timestamp.nullable(),
  tree_state: z.enum(["clean", "dirty", "unknown"]),
});

export const DesiredStateTrackingSchema = z.object({
  /** What `init` was given: a URL or an absolute path git accepts. */
  repository: z.string().min(1),
  /** Branch or tag name given to `init`. */
  requested_ref: z.string().min(1),
  /** The commit the requested ref resolved to, the last time it was fetched. */
  last_observed_revision: Revision.nullable(),
  last_observed_at: Timestamp.nullable(),
});

export const ReconciliationStatusSchema = z.enum(["never_run", "in_progress", "success", "failed"]);

export const ReconciliationSchema = z.object({
  /** +1 per apply attempt; 0 = never attempted. */
  generation: z.number().int().nonnegative(),
  status: ReconciliationStatusSchema,
  running: z.boolean(),
  last_attempted_revision: Revision.nullable(),
  /** Advances only when an apply converged. */
  last_applied_revision: Revision.nullable(),
  last_started_at: Timestamp.nullable(),
  last_finished_at: Timestamp.nullable(),
});

/** After a rollback the agent holds: the rolled-back-from revision is not re-applied. */
export const HoldSchema = z.object({
  held: z.boolean(),
  rolled_back_from: Revision.nullable(),
  reason: z.string(),
  since: Timestamp,
  /** Optional (older files lack it: operator). `auto_rollback`: CORE_OPS_AUTO_ROLLBACK rolled back on its own. */
  trigger: z.enum(["operator", "auto_rollback"]).optional(),
});

/**
 * Why the last recorded apply did not converge (README "Outcomes of an apply"): the objects that failed
 * its last verification, the failure signature and the attempts — so an operator reads it from `status`
 * after a failed timer run without re-running anything. Null (or absent) once an apply converged.
 */
export const LastFailureSchema = z.object({
  revision: Revision,
  finished_at: Timestamp,
  outcome: z.enum(["partially_applied", "failed", "non_converging"]),
  convergence_status: ConvergenceStatusSchema,
  /** Sorted `object=reason` pairs of the last attempt. */
  signature: z.string(),
  attempt_count: z.number().int().nonnegative(),
  retry_budget: z.number().int().positive(),
  failures: z.array(ObjectFailureSchema),
  /**
   * Optional (older files lack it): the digest of the desired tree the failed commit produced for this
   * host (state/desired-digest.ts); while the ref resolves to that content it is quarantined (README
   * "Quarantine of a failed revision").
   */
  desired_digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional(),
  /** Optional: consecutive failed applies of that same content (drives the retry backoff). */
  failure_count: z.number().int().positive().optional(),
});
export type LastFailure = z.infer<typeof LastFailureSchema>;

/** One file CoreOps wrote for a managed object, with the sha256 of the exact bytes written. */
export const InventoryFileSchema = z.object({
  path: z.string().startsWith("/"),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});

/**
 * One managed object of the last applied revision. `digest` is the sha256 of the object's normalized
 * material representation (resources/normalize), so planning can tell a desired change from drift.
 */
export const InventoryObjectSchema = z.object({
  id: z.string().min(1),
  kind: ManagedKindSchema,
  /** Runtime systemd unit (Quadlet naming applied) or null for rendered artifacts. */
  unit: z.string().nullable(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  files: z.array(InventoryFileSchema),
});

export const StatusSchema = z
  .object({
    schema_version: z.literal(STATUS_SCHEMA_VERSION),
    controller: ControllerSchema,
    desired_state: DesiredStateTrackingSchema.nullable(),
    reconciliation: ReconciliationSchema,
    hold: HoldSchema.nullable(),
    /** Managed objects of `reconciliation.last_applied_revision`, sorted by id; empty before the first apply. */
    inventory: z.array(InventoryObjectSchema),
    /** Optional (older files lack it): convergence diagnostics of the last non-converged apply. */
    last_failure: LastFailureSchema.nullable().optional(),
  })
  .superRefine((s, ctx) => {
    const r = s.reconciliation;
    const issue = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: "custom", message, path: ["reconciliation", ...path] });
    switch (r.status) {
      case "never_run":
        if (r.generation !== 0) issue("never_run requires generation 0", ["generation"]);
        if (r.running) issue("never_run requires running=false", ["running"]);
        for (const k of [
          "last_attempted_revision",
          "last_applied_revision",
          "last_started_at",
          "last_finished_at",
        ] as const) {
          if (r[k] !== null) issue(`never_run requires ${k}=null`, [k]);
        }
        break;
      case "in_progress":
        if (!r.running) issue("in_progress requires running=true", ["running"]);
        if (r.last_started_at === null) issue("in_progress requires last_started_at", ["last_started_at"]);
        if (r.last_finished_at !== null)
          issue("in_progress requires last_finished_at=null", ["last_finished_at"]);
        if (r.generation === 0) issue("in_progress requires generation ≥ 1", ["generation"]);
        break;
      case "success":
        if (r.running) issue("success requires running=false", ["running"]);
        if (r.last_applied_revision === null || r.last_applied_revision !== r.last_attempted_revision)
          issue("success requires last_applied_revision = last_attempted_revision", [
            "last_applied_revision",
          ]);
        if (r.last_started_at === null || r.last_finished_at === null)
          issue("success requires last_started_at and last_finished_at", ["last_finished_at"]);
        break;
      case "failed":
        if (r.running) issue("failed requires running=false", ["running"]);
        if (r.last_attempted_revision === null)
          issue("failed requires last_attempted_revision", ["last_attempted_revision"]);
        if (r.last_started_at === null || r.last_finished_at === null)
          issue("failed requires last_started_at and last_finished_at", ["last_finished_at"]);
        break;
    }
    const ids = s.inventory.map((o) => o.id);
    for (let i = 1; i < ids.length; i++) {
      const prev = ids[i - 1] as string;
      const cur = ids[i] as string;
      if (!(prev < cur))
        ctx.addIssue({
          code: "custom",
          message: `inventory must be sorted by id without duplicates (${prev} before ${cur})`,
          path: ["inventory", i, "id"],
        });
    }
  });
export type Status = z.infer<typeof StatusSchema>;
export type Controller = z.infer<typeof ControllerSchema>;
export type DesiredStateTracking = z.infer<typeof DesiredStateTrackingSchema>;
export type Reconciliation = z.infer<typeof ReconciliationSchema>;
export type Hold = z.infer<typeof HoldSchema>;
export type InventoryObject = z.infer<typeof InventoryObjectSchema>;
export type InventoryFile = z.infer<typeof InventoryFileSchema>;

/** The reconciliation block of a state nobody has applied yet. */
export function neverRunReconciliation(): Reconciliation {
  return {
    generation: 0,
    status: "never_run",
    running: false,
    last_attempted_revision: null,
    last_applied_revision: null,
    last_started_at: null,
    last_finished_at: null,
  };
}

/** RFC 3339 UTC with second precision, the form every timestamp in status.json takes. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export type StatusRead =
  | { kind: "absent"; path: string }
  | { kind: "invalid"; path: string; reason: string; unsupported: boolean }
  /** `migratedFrom`: the file on disk has this older schema_version (rewritten at the next state write). */
  | { kind: "ok"; path: string; status: Status; migratedFrom: number | null };

/** Reads and fully validates status.json. Never throws for a missing or bad file; returns why instead. */
export async function readStatus(path: string): Promise<StatusRead> {
  let text: string;
  try {
    text = readStateFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "absent", path };
    if (code === "EISDIR")
      return { kind: "invalid", path, reason: "the state file path is a directory", unsupported: false };
    return { kind: "invalid", path, reason: `cannot read: ${(err as Error).message}`, unsupported: false };
  }
  if (text.trim() === "") return { kind: "invalid", path, reason: "file is empty", unsupported: false };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      kind: "invalid",
      path,
      reason: `not valid JSON (partial write?): ${(err as Error).message}`,
      unsupported: false,
    };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return { kind: "invalid", path, reason: "not a JSON object", unsupported: false };
  let version = (json as { schema_version?: unknown }).schema_version;
  let migratedFrom: number | null = null;
  if (version === 1) {
    json = statusDocumentFromV1(json as Record<string, unknown>);
    migratedFrom = version;
    version = STATUS_SCHEMA_VERSION;
  }
  if (version !== STATUS_SCHEMA_VERSION) {
    return {
      kind: "invalid",
      path,
      reason: `unsupported schema_version ${JSON.stringify(version ?? null)} (this controller reads ${[...MIGRATABLE_STATUS_VERSIONS, STATUS_SCHEMA_VERSION].join(", ")})`,
      unsupported: true,
    };
  }
  const parsed = StatusSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    return { kind: "invalid", path, reason: first, unsupported: false };
  }
  return { kind: "ok", path, status: parsed.data, migratedFrom };
}

/** Serializes a status deterministically: two-space JSON, trailing newline. */
export function serializeStatus(status: Status): string {
  return `${JSON.stringify(StatusSchema.parse(status), null, 2)}\n`;
}

/**
 * Writes status.json atomically: validate, write a temp file (0600) in the same directory, fsync it,
 * rename it over the target, fsync the directory. A crash leaves either the old or the new file, never a
 * mix. File-system faults (full disk, a directory in the way, …) become a typed `state_*` error.
 */
export async function writeStatusAtomic(path: string, status: Status): Promise<void> {
  const text = serializeStatus(status);
  try {
    await writeDurably(path, text);
  } catch (err) {
    throw stateWriteError(err, path);
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fh = await open(tmp, "wx", 0o600);
    try {
      await fh.chmod(0o600);
      await fh.writeFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const dh = await open(dir, "r");
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
