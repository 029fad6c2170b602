/**
 * Companion files (ARCHITECTURE.md "The desired-state repository"): a non-unit file in `services/<svc>/`
 * (outside `config/` and drop-in directories) is deployed next to the Quadlet files only when a Quadlet file
 * of the same service references it (`units/quadlet-companions.ts` decides what counts as a reference); anything else is
 * a stray file.
 */
import { type CoreOpsError, layoutError } from "../errors.js";
import type { UnitFile } from "../units/parse.js";
import { type CompanionReference, findCompanionReferences } from "../units/quadlet-companions.js";
import type { DesiredCompanion, DesiredUnit } from "./model.js";
import { compareNames } from "./names.js";
import { readRenderedFile } from "./rendered-file.js";
import type { Entry } from "./walk.js";

export interface CompanionCandidate {
  service: string;
  /** Relative to the service directory, '/'-separated. */
  relPath: string;
  entry: Entry;
}

interface Reference extends CompanionReference {
  service: string;
  fileName: string;
  unitPath: string;
}

export function resolveCompanions(
  units: readonly DesiredUnit[],
  effective: Map<string, UnitFile>,
  candidates: readonly CompanionCandidate[],
  allowedHint: string,
): DesiredCompanion[] {
  const refs = companionReferences(units, effective);
  for (const r of refs) checkReference(r, candidates);

  const out: DesiredCompanion[] = [];
  const byDestination = new Map<string, DesiredCompanion>();
  const sorted = [...candidates].sort((a, b) => compareNames(a.entry.rel, b.entry.rel));
  for (const c of sorted) {
    const users = refs.filter((r) => r.service === c.service && covers(r.path, c.relPath));
    if (users.length === 0) throw stray(c, allowedHint);
    const other = byDestination.get(c.relPath);
    if (other) {
      throw layoutError(
        `two sources for companion file ${c.relPath}: '${other.source.path}' and '${c.entry.rel}'`,
        {
          code: "destination_conflict",
          file: c.entry.rel,
          related: [other.source.path],
          hint: "companion files of all selected services share the quadlet directory; rename one of them",
        },
      );
    }
    const companion: DesiredCompanion = {
      service: c.service,
      relPath: c.relPath,
      source: { layer: "base", path: c.entry.rel },
      content: readRenderedFile(c.entry.abs, c.entry.rel),
      mode: c.entry.executable ? 0o755 : 0o644,
      referencedBy: [...new Set(users.map((r) => r.fileName))].sort(compareNames),
    };
    byDestination.set(c.relPath, companion);
    out.push(companion);
  }
  return out.sort((a, b) => compareNames(a.relPath, b.relPath));
}

/** Every companion reference of the Quadlet units, sorted by unit source path, then referenced path. */
function companionReferences(units: readonly DesiredUnit[], effective: Map<string, UnitFile>): Reference[] {
  const refs: Reference[] = [];
  for (const u of units) {
    if (u.family !== "quadlet") continue;
    const unit = effective.get(u.fileName);
    if (!unit) continue;
    for (const r of findCompanionReferences(u.fileName, unit)) {
      refs.push({ ...r, service: u.service, fileName: u.fileName, unitPath: u.source.path });
    }
  }
  return refs.sort((a, b) => compareNames(a.unitPath, b.unitPath) || compareNames(a.path, b.path));
}

/** A reference stays inside its service directory, and a file reference names a file that exists. */
function checkReference(r: Reference, candidates: readonly CompanionCandidate[]): void {
  if (r.path === ".." || r.path.startsWith("../") || r.path === "." || r.path === "") {
    throw layoutError(`${r.key}=${r.path} points outside the service directory`, {
      code: "companion_outside_service",
      file: r.file ?? r.unitPath,
      ...(r.line ? { line: r.line } : {}),
      field: `[${r.section}] ${r.key}`,
      hint: `companion files live inside services/${r.service}/ and are referenced relative to it (e.g. ${r.key}=app.env)`,
    });
  }
  const covered = candidates.some((c) => c.service === r.service && covers(r.path, c.relPath));
  if (!covered && r.kind === "file") {
    throw layoutError(`${r.key}=${r.path} references services/${r.service}/${r.path}, which does not exist`, {
      code: "companion_missing",
      file: r.file ?? r.unitPath,
      ...(r.line ? { line: r.line } : {}),
      field: `[${r.section}] ${r.key}`,
      hint: `add services/${r.service}/${r.path} or use an absolute path for a file the host provides`,
    });
  }
}

/** True when reference `ref` names `relPath` or a directory containing it. */
function covers(ref: string, relPath: string): boolean {
  return relPath === ref || relPath.startsWith(`${ref}/`);
}

function stray(c: CompanionCandidate, allowedHint: string): CoreOpsError {
  return layoutError(`stray file '${c.entry.rel}': no Quadlet file of service '${c.service}' references it`, {
    code: "stray_file",
    file: c.entry.rel,
    hint: `${allowedHint}; reference it from a Quadlet file (e.g. EnvironmentFile=${c.relPath}) or remove it`,
  });
}
