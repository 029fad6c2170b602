/**
 * Differences normalization ignores, spelled out: every one becomes a `runtime_variance` record with its
 * reason instead of being dropped. Only called when desired and observed material are equal.
 */
import { sha256 } from "../digest.js";
import type { NormalizedObject, ObjectFile } from "./managed-object.js";
import { hasManagedMarker } from "./marker.js";
import { formatMode } from "./normalize-artifact.js";

const KIND_REASON: Record<string, string> = {
  generated_unit:
    "formatting-only difference (comments, blank lines, whitespace around '=', key or section order); the unit's effective content is identical",
  quadlet_resource:
    "ordering or whitespace difference that does not change the generated systemd unit; the Quadlet content is identical",
  mount:
    "formatting-only difference (comments, whitespace, Options spacing, Where spelling, CreateMountpoint spelling); source, target, type, options and preparation are identical",
  automount: "formatting-only difference; the automount path and dependencies are identical",
  rendered_artifact: "byte difference outside the material content (managed marker line)",
};

export function ignoredDifferences(desired: NormalizedObject, observed: NormalizedObject): string[] {
  const reasons: string[] = [];
  const observedByPath = new Map(observed.files.map((f) => [f.path, f]));
  const desiredPaths = new Set(desired.files.map((f) => f.path));
  const onlyDesired = desired.files.filter((f) => !observedByPath.has(f.path)).map((f) => f.path);
  const onlyObserved = observed.files.filter((f) => f.owned && !desiredPaths.has(f.path)).map((f) => f.path);
  if (onlyDesired.length > 0 || onlyObserved.length > 0) {
    const parts = [
      ...onlyDesired.map((p) => `${p} missing on host`),
      ...onlyObserved.map((p) => `${p} extra on host`),
    ];
    reasons.push(`drop-in files differ (${parts.join(", ")}) but the merged unit is identical`);
  }
  for (const f of desired.files) {
    const o = observedByPath.get(f.path);
    if (!o) continue;
    if (!sameBytes(o, f)) {
      if (!hasManagedMarker(o.bytes) && hasManagedMarker(f.bytes))
        reasons.push(`${f.path}: the managed marker line is missing on the host (not material)`);
      else reasons.push(`${f.path}: ${KIND_REASON[desired.kind] ?? "non-material difference"}`);
    }
    if (desired.kind !== "rendered_artifact") {
      if (o.mode !== f.mode)
        reasons.push(
          `${f.path}: file mode ${formatMode(o.mode)} (desired ${formatMode(f.mode)}) is not material for ${desired.kind}`,
        );
      if (o.owner !== f.owner || o.group !== f.group)
        reasons.push(
          `${f.path}: owner ${o.owner}:${o.group} (desired ${f.owner}:${f.group}) is not material for ${desired.kind}`,
        );
    }
  }
  return reasons;
}

/** Byte equality of an observed and a desired file; a large observed file is compared by its digest. */
function sameBytes(observed: ObjectFile, desired: ObjectFile): boolean {
  if (!observed.large) return observed.bytes.equals(desired.bytes);
  return observed.large.size === desired.bytes.length && observed.large.digest === sha256(desired.bytes);
}
