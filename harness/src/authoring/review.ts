/**
 * Checks candidate drafts against the accepted corpus and gives each its envelope: the duplicate rule (a
 * normalized claim equal to an accepted scenario's, with a class in common → `rejected`), what the corpus
 * already covers of the candidate's class (for the reviewer), and the problems the scenario loader found
 * in the candidate file. Everything else is `needs_review`: no candidate is accepted without an author.
 * Pure: the clock and the loader's verdict come in as arguments.
 */
import type { ScenarioClass } from "../scenario/schema.js";
import {
  type CandidateEnvelope,
  CandidateEnvelopeSchema,
  DUPLICATE_MESSAGE,
  type ValidationFinding,
} from "./candidate.js";
import { normalizeClaim } from "./claim.js";
import type { CandidateDraft } from "./derive.js";

/** What the duplicate rule and the coverage notes need of an accepted scenario. */
export interface AcceptedClaim {
  /** Repository-relative file, e.g. `scenarios/minimal-accepted.yaml`. */
  file: string;
  scenario_id: string;
  scenario_classes: readonly ScenarioClass[];
  behavioral_claim: string;
}

export const GENERATOR = "core-ops-verify generate";

function coverageFindings(draft: CandidateDraft, accepted: readonly AcceptedClaim[]): ValidationFinding[] {
  const cls = draft.inputs.scenario_class;
  const claim = draft.inputs.normalized_claim;
  const findings: ValidationFinding[] = [];
  for (const a of accepted) {
    const sameClaim = normalizeClaim(a.behavioral_claim) === claim;
    const shared = a.scenario_classes.includes(cls);
    if (sameClaim && shared) {
      findings.push({
        severity: "error",
        code: "duplicate_accepted_coverage",
        message: DUPLICATE_MESSAGE,
        related_file: a.file,
      });
    } else if (sameClaim) {
      findings.push({
        severity: "info",
        code: "same_claim_other_class",
        message: `${a.scenario_id} makes the same claim as ${a.scenario_classes.join(", ")}, not ${cls}`,
        related_file: a.file,
      });
    }
  }
  const sameClass = accepted.filter((a) => a.scenario_classes.includes(cls)).map((a) => a.scenario_id);
  if (sameClass.length > 0) {
    findings.push({
      severity: "info",
      code: "class_already_covered",
      message: `accepted ${cls} scenarios: ${sameClass.join(", ")} — check the claim is not one of theirs in other words`,
    });
  }
  return findings;
}

export interface ReviewInput {
  draft: CandidateDraft;
  /** The candidate's file name (`<candidate_id>.yaml`). */
  scenarioFile: string;
  acceptedDir: string;
  accepted: readonly AcceptedClaim[];
  /** Problems the scenario loader reported for the rendered candidate (empty when it loads). */
  loadFindings: readonly ValidationFinding[];
  now: Date;
}

export function reviewCandidate(r: ReviewInput): CandidateEnvelope {
  const findings = [...r.draft.findings, ...r.loadFindings, ...coverageFindings(r.draft, r.accepted)];
  const duplicate = findings.some((f) => f.code === "duplicate_accepted_coverage");
  const at = r.now.toISOString();
  return CandidateEnvelopeSchema.parse({
    envelope_version: 1,
    candidate_id: r.draft.candidate_id,
    scenario_file: r.scenarioFile,
    generation_inputs: { ...r.draft.inputs, accepted_dir: r.acceptedDir },
    validation_findings: findings,
    review_status: duplicate ? "rejected" : "needs_review",
    history: [
      { review_status: "generated", at, by: GENERATOR },
      duplicate
        ? { review_status: "rejected", at, by: GENERATOR, note: DUPLICATE_MESSAGE }
        : { review_status: "needs_review", at, by: GENERATOR, note: "new coverage: edit, run, then promote" },
    ],
  });
}
