/**
 * Which mode a file CoreOps writes gets (README "What CoreOps owns and where it writes").
 *
 * A declared mode would win outright (`declared`; the repository cannot declare one yet). Without one the
 * mode is the kind's default (0644, 0755 for a file executable in the repository) — except that CoreOps
 * never grants group or other a permission the file already on the host does not have: taking over (or
 * re-writing) an existing 0600 file keeps it 0600, not 0644. Owner bits follow the default; setuid, setgid
 * and sticky bits are never written. The result depends only on the desired state and the host, so the
 * next plan computes the same mode and apply converges.
 */

import type { NormalizedObject } from "./managed-object.js";
import { formatMode, normalizeArtifact } from "./normalize-artifact.js";

export interface ModeInputs {
  /** A mode declared in the repository (not supported yet: always null today). */
  declared: number | null;
  /** The kind's default. */
  fallback: number;
  /** Permission bits of the file on the host now, null when there is none. */
  existing: number | null;
}

export function effectiveMode({ declared, fallback, existing }: ModeInputs): number {
  if (declared !== null) return declared & 0o7777;
  if (existing === null) return fallback & 0o777;
  return (fallback & 0o700) | (fallback & existing & 0o077);
}

/**
 * The desired objects with each file's mode narrowed to what the host file allows (see above). Objects
 * whose modes do not change are returned as they are; rendered files are re-normalized (mode is material).
 */
export function narrowModesToHost(
  desired: readonly NormalizedObject[],
  observed: ReadonlyMap<string, NormalizedObject>,
): NormalizedObject[] {
  return desired.map((d) => {
    const host = observed.get(d.id);
    if (!host) return d;
    const hostModes = new Map(host.files.map((f) => [f.path, f.mode]));
    let changed = false;
    const files = d.files.map((f) => {
      const mode = effectiveMode({
        declared: null,
        fallback: f.mode,
        existing: hostModes.get(f.path) ?? null,
      });
      if (mode === f.mode) return f;
      changed = true;
      return { ...f, mode };
    });
    if (!changed) return d;
    const note = `keeps the host's narrower permissions (${files
      .filter((f, i) => f.mode !== d.files[i]?.mode)
      .map((f) => `${f.path} ${formatMode(f.mode)}`)
      .join(", ")}): without a declared mode CoreOps never widens an existing file's mode`;
    if (d.kind === "rendered_artifact" && files[0]) {
      const renormalized = normalizeArtifact(files[0]);
      return { ...renormalized, notes: [...d.notes, note] };
    }
    return { ...d, files, notes: [...d.notes, note] };
  });
}
