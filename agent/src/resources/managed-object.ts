/**
 * A managed object, normalized: the same shape for the desired side (built from the repository) and the
 * observed side (built from host files), so planning compares like with like.
 */
import type { SourceRef } from "../desired/model.js";
import type { ManagedKind } from "../model/kinds.js";
import type { LargeContent } from "../model/large-content.js";
import type { DependencyRef } from "./dependency-refs.js";

export type FileRole = "unit" | "dropin" | "companion" | "config";

export interface ObjectFile {
  /** Logical absolute host path. */
  path: string;
  role: FileRole;
  /** Exact bytes written (desired) or read (observed; only the head when `large` is set). */
  bytes: Buffer;
  /** Observed side, a file above LARGE_CONTENT_BYTES: its size and digests stand for the bytes. */
  large?: LargeContent;
  mode: number;
  owner: string;
  group: string;
  /** Repository source (desired side only). */
  source: SourceRef | null;
  replaces: SourceRef | null;
  /** Observed side: whether CoreOps owns the file (marker or inventory). Desired side: true. */
  owned: boolean;
}

export interface MountInfo {
  where: string;
  what: string | null;
  type: string | null;
  options: string[];
  createMountpoint: boolean;
  networkBacked: boolean;
}

export interface NormalizedObject {
  id: string;
  kind: ManagedKind;
  /** `container`, `service`, `mount`, … or `file`. */
  resourceType: string;
  /** Unit file name, or absolute path for files. */
  name: string;
  /** Runtime systemd unit, null for files. */
  unit: string | null;
  /** Sorted by path. */
  files: ObjectFile[];
  /** Human-facing effective content: unit with its drop-ins (headed by their paths), or the file's text. */
  effective: string | null;
  /** The normalized material representation; equal material ⇔ no material difference. */
  material: string;
  /** `sha256:<hex>` of `material`. */
  digest: string;
  /** Material fields (name → normalized value) for field-level diffs. */
  fields: Record<string, string>;
  /** The text the semantic diff is computed on (material for units, mode/owner + content for files). */
  diffText: string;
  deps: DependencyRef[];
  mount: MountInfo | null;
  /** Normalization notes (e.g. an observed file that does not parse). */
  notes: string[];
}
