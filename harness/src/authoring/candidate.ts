/**
 * The candidate envelope: what `core-ops-verify generate` writes next to each generated candidate scenario
 * (`generated_candidates/<candidate_id>.yaml` + `generated_candidates/<candidate_id>.envelope.json`), and what
 * review and promotion update. The scenario itself stays a plain scenario file (`source: candidate`), so
 * `core-ops-verify run --scenario` runs it unchanged; the envelope says where it came from, what generation
 * found and where review stands. The authoring loop is described in scenarios/README.md.
 */
import { z } from "zod";
import { IDENTIFIER, ScenarioClassSchema } from "../scenario/schema.js";

/** The subsections of a spec's `## Verification Guidance`, in the order a spec writes them. */
export const GUIDANCE_SUBSECTIONS = [
  "Observable Behaviors",
  "Invariants",
  "Idempotency Expectations",
  "Failure Modes",
  "Upgrade Considerations",
  "Required Scenario Classes",
] as const;
export const GuidanceSubsectionSchema = z.enum(GUIDANCE_SUBSECTIONS);
export type GuidanceSubsection = z.infer<typeof GuidanceSubsectionSchema>;

/**
 * `generated`: derived from the spec, not yet checked against the accepted corpus; `needs_review`: checked,
 * new coverage, waiting for an author to edit and mark it reviewed; `accepted`: promoted into the accepted
 * corpus; `rejected`: not to be promoted (a duplicate of accepted coverage, or refused in review).
 */
export const REVIEW_STATUSES = ["generated", "needs_review", "accepted", "rejected"] as const;
export const ReviewStatusSchema = z.enum(REVIEW_STATUSES);
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>;

/** The message of the duplicate rule (a finding of code `duplicate_accepted_coverage`). */
export const DUPLICATE_MESSAGE = "duplicate accepted coverage for normalized behavioral claim";

export const GenerationInputsSchema = z.strictObject({
  /** The spec, relative to the checkout root when it lies inside it (e.g. `specs/reconciliation/spec.md`). */
  spec_path: z.string().min(1),
  /** 1-based line of the guidance bullet the candidate was derived from. */
  spec_line: z.number().int().positive(),
  subsection: GuidanceSubsectionSchema,
  /** The bullet text as written (without a leading `[class]` tag). */
  claim: z.string().min(1),
  /** Lowercase alphanumerics separated by single spaces (`authoring/claim.ts`). */
  normalized_claim: z.string(),
  scenario_class: ScenarioClassSchema,
  /** The accepted corpus the candidate was checked against (e.g. `scenarios`). */
  accepted_dir: z.string().min(1),
});
export type GenerationInputs = z.infer<typeof GenerationInputsSchema>;

export const FINDING_SEVERITIES = ["info", "warning", "error"] as const;

export const ValidationFindingSchema = z.strictObject({
  severity: z.enum(FINDING_SEVERITIES),
  /** Stable machine name, e.g. `duplicate_accepted_coverage`, `placeholder_step`, `class_already_covered`. */
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  message: z.string().min(1),
  /** An accepted scenario file the finding refers to (repository-relative), when there is one. */
  related_file: z.string().optional(),
  /** A field of the candidate scenario the finding refers to (e.g. `steps[3].command`), when there is one. */
  field: z.string().optional(),
});
export type ValidationFinding = z.infer<typeof ValidationFindingSchema>;

/** One change of `review_status`, oldest first: generation, review, promotion. */
export const ReviewEventSchema = z.strictObject({
  review_status: ReviewStatusSchema,
  /** RFC 3339 UTC. */
  at: z.iso.datetime(),
  /** Who or what made the change: `core-ops-verify generate`, `core-ops-verify promote`, an author. */
  by: z.string().min(1),
  note: z.string().optional(),
});
export type ReviewEvent = z.infer<typeof ReviewEventSchema>;

export const CandidateEnvelopeSchema = z.strictObject({
  envelope_version: z.literal(1),
  candidate_id: z.string().regex(IDENTIFIER),
  /** The candidate scenario's file name, next to the envelope (e.g. `reconciliation-ob-03.yaml`). */
  scenario_file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.yaml$/),
  generation_inputs: GenerationInputsSchema,
  validation_findings: z.array(ValidationFindingSchema),
  review_status: ReviewStatusSchema,
  history: z.array(ReviewEventSchema).min(1),
});
export type CandidateEnvelope = z.infer<typeof CandidateEnvelopeSchema>;

/** `<dir>/<id>.yaml` → `<dir>/<id>.envelope.json` (the envelope sits next to its scenario). */
export function envelopePathFor(scenarioFile: string): string {
  return `${scenarioFile.replace(/\.ya?ml$/, "")}.envelope.json`;
}
