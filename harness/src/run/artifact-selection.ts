/**
 * Which optional artifacts a run's bundle carries (`policy_overrides.artifact_policy`): the guest evidence
 * (journal excerpts, relevant files) is collected on failure when `collect_on_failure` names it, and on
 * every outcome when `always_collect` does. The base files are always written. Pure.
 */
import type { ArtifactProfile } from "../scenario/profiles.js";

const GUEST_EVIDENCE = ["journal-excerpts", "relevant-files"] as const;

export function guestEvidenceWanted(artifacts: ArtifactProfile, passed: boolean): boolean {
  const wanted = new Set(
    passed ? artifacts.alwaysCollect : [...artifacts.alwaysCollect, ...artifacts.collectOnFailure],
  );
  return GUEST_EVIDENCE.some((name) => wanted.has(name));
}
