/** Human rendering of a validation result: a deterministic function of the same model `--json` prints. */
import { maxBump } from "./bump.js";
import type { ValidationResult } from "./result.js";
import { nextVersion, parseVersion } from "./semver.js";
import { MISSING_CHANGELOG, MISSING_FRAGMENT, MISSING_VERSION } from "./validate.js";

function explainMissing(artifact: string, r: ValidationResult): string {
  switch (artifact) {
    case MISSING_FRAGMENT:
      return "add a release-intent fragment changes/<change-id>.md with release_intent and summary (changes/README.md)";
    case MISSING_CHANGELOG:
      return "add the change's lines under '## [Unreleased]' (### Added / Changed / Fixed)";
    case MISSING_VERSION: {
      const before = r.version_before ? parseVersion(r.version_before) : undefined;
      const need = maxBump([r.effective_bump, r.declared_bump]);
      const next = before ? ` to at least ${nextVersion(before, need)}` : "";
      return `bump the root package.json version${next} (the workspace packages carry the same version)`;
    }
    default:
      return "";
  }
}

export function renderValidation(r: ValidationResult): string {
  const out: string[] = [];
  const short = (c: string | null) => (c ? c.slice(0, 8) : "");
  const head =
    r.range.head_commit === null ? "working tree" : `${r.range.head_ref} (${short(r.range.head_commit)})`;
  out.push(`core-ops-release validate: ${r.overall_status.toUpperCase()}`);
  out.push(`  range:          ${r.range.base_ref} (merge base ${short(r.range.base_commit)}) .. ${head}`);
  out.push(
    `  classification: ${r.effective_classification}${r.metadata_only ? " (metadata only)" : ""}; ` +
      `${r.changed_paths.length} changed path(s)`,
  );
  out.push(`  required bump:  ${r.effective_bump}`);
  out.push(`  declared bump:  ${r.declared_bump}`);
  out.push(
    `  version:        ${r.version_before ?? "(none)"} → ${r.version_after ?? "(none)"} (${r.version_bump})`,
  );
  out.push(`  CHANGELOG.md:   ${r.changelog_changed ? "changed" : "unchanged"}`);
  if (r.fragments.length > 0 || r.changed_fragment_paths.length > 0) {
    out.push("  fragments:");
    for (const f of r.fragments) {
      out.push(
        `    ${f.path}  ${f.release_intent}${f.release_preparation ? " (release preparation)" : ""}  ${f.summary}`,
      );
    }
    const valid = new Set(r.fragments.map((f) => f.path));
    for (const p of r.changed_fragment_paths.filter((x) => !valid.has(x))) out.push(`    ${p}  (invalid)`);
  }
  if (r.missing_artifacts.length > 0) {
    out.push("", "Missing:");
    for (const m of r.missing_artifacts) out.push(`  - ${m}: ${explainMissing(m, r)}`);
  }
  if (r.mismatch_reasons.length > 0) {
    out.push("", "Problems:");
    for (const m of r.mismatch_reasons) out.push(`  - ${m}`);
  }
  if (r.applied_rules.length > 0) {
    out.push("", "Rules applied (change, minimum bump, path, rule):");
    for (const a of r.applied_rules) {
      out.push(`  ${a.change.padEnd(8)} ${a.minimum_bump.padEnd(5)} ${a.path}  ${a.rule_id}`);
    }
  }
  return `${out.join("\n")}\n`;
}
