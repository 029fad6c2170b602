/**
 * The state inventory of an applied revision: what `apply` records after convergence and what planning
 * reads back as last_applied. Apply MUST build it with `inventoryFromObjects` from the same desired objects
 * it wrote, so digests match what the next plan computes.
 */

import { sha256 } from "../digest.js";
import type { InventoryObject } from "../state/status.js";
import type { NormalizedObject } from "./managed-object.js";

export function inventoryFromObjects(objects: readonly NormalizedObject[]): InventoryObject[] {
  return objects
    .map((o) => ({
      id: o.id,
      kind: o.kind,
      unit: o.unit,
      digest: o.digest,
      files: o.files
        .map((f) => ({ path: f.path, digest: sha256(f.bytes) }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
