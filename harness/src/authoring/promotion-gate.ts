/**
 * Whether a candidate may be promoted (scenarios/README.md "From a spec to an accepted scenario", step 5),
 * before anything boots: it has an envelope, the envelope is waiting for review (`needs_review`), the
 * author marked it reviewed (`--reviewed`), the file says `source: candidate`, and neither its file name nor
 * its scenario id is taken in the accepted corpus. Pure: each refusal says why and what to do.
 */
import type { CandidateEnvelope } from "./candidate.js";

export interface GateInput {
  /** Undefined when there is no envelope next to the candidate. */
  envelope: CandidateEnvelope | undefined;
  envelopePath: string;
  reviewed: boolean;
  source: "accepted" | "candidate";
  scenarioId: string;
  /** The accepted file the promotion would write. */
  target: string;
  targetExists: boolean;
  /** The accepted file that already uses the scenario id, if any. */
  idTakenBy: string | undefined;
}

export function promotionRefusal(g: GateInput): string | undefined {
  const e = g.envelope;
  if (e === undefined) {
    return `no candidate envelope at ${g.envelopePath}: only a generated candidate can be promoted (core-ops-verify generate --spec <spec.md>)`;
  }
  if (e.review_status === "rejected") {
    const why = e.validation_findings.filter((f) => f.severity === "error").map((f) => f.message);
    return `the candidate is rejected${why.length > 0 ? ` (${why.join("; ")})` : ""}: a rejected candidate is never promoted`;
  }
  if (e.review_status === "accepted") return "the candidate was already promoted (review_status accepted)";
  if (e.review_status === "generated") {
    return "the candidate was not checked against the accepted corpus (review_status generated): run core-ops-verify generate again";
  }
  if (!g.reviewed) {
    return "the candidate is not marked reviewed: edit it, run it alone (core-ops-verify run --scenario <file>), then promote with --reviewed";
  }
  if (g.source !== "candidate") {
    return `the candidate file says source: ${g.source}; a candidate is source: candidate until promote changes it`;
  }
  if (g.targetExists) return `${g.target} already exists: rename the candidate file`;
  if (g.idTakenBy !== undefined) {
    return `scenario_id ${g.scenarioId} is already used by ${g.idTakenBy}: give the candidate its own id`;
  }
  return undefined;
}
