import { describe, expect, it } from "vitest";
import { ScenarioSchema } from "../scenario/schema.js";
import { DUPLICATE_MESSAGE } from "./candidate.js";
import { normalizeClaim } from "./claim.js";
import { deriveCandidates } from "./derive.js";
import { parseGuidance } from "./guidance.js";
import { type AcceptedClaim, reviewCandidate } from "./review.js";
import { guidanceText } from "./test-support/guidance-text.js";

const NOW = new Date("2026-11-30T22:00:00Z");

function review(text: string, accepted: AcceptedClaim[]) {
  const drafts = deriveCandidates(parseGuidance(text, "specs/x/spec.md"), {
    feature: "x",
    specPath: "specs/x/spec.md",
  });
  return drafts.map((draft) =>
    reviewCandidate({
      draft,
      scenarioFile: `${draft.candidate_id}.yaml`,
      acceptedDir: "scenarios",
      accepted,
      loadFindings: [],
      now: NOW,
    }),
  );
}

const idle: AcceptedClaim = {
  file: "scenarios/minimal-accepted.yaml",
  scenario_id: "verify-idempotent-frontend",
  scenario_classes: ["idempotency"],
  behavioral_claim: "Applying the same desired revision twice is idle the second time.",
};

describe("normalizeClaim", () => {
  it("keeps lowercase alphanumerics separated by single spaces", () => {
    expect(normalizeClaim("  A hand-edited   file, put BACK (by apply)! ")).toBe(
      "a hand edited file put back by apply",
    );
  });
});

describe("deriveCandidates + reviewCandidate", () => {
  it("one candidate per behaviour bullet, class from the subsection or the tag, with spec line", () => {
    const envelopes = review(guidanceText(), []);
    expect(
      envelopes.map((e) => [
        e.candidate_id,
        e.generation_inputs.scenario_class,
        e.generation_inputs.spec_line,
      ]),
    ).toEqual([
      ["x-ob-01", "convergence", 10],
      ["x-ob-02", "drift_correction", 11],
      ["x-ie-01", "idempotency", 18],
      ["x-fm-01", "regression_detection", 21],
      ["x-uc-01", "upgrade_transition", 24],
    ]);
  });

  it("new behaviour is needs_review; the same claim as accepted coverage with a shared class is rejected", () => {
    const text = guidanceText({
      "Idempotency Expectations": "- applying the same desired revision, twice, is IDLE the second time",
    });
    const envelopes = review(text, [idle]);
    const dup = envelopes.find((e) => e.candidate_id === "x-ie-01");
    expect(dup?.review_status).toBe("rejected");
    expect(dup?.validation_findings).toContainEqual({
      severity: "error",
      code: "duplicate_accepted_coverage",
      message: DUPLICATE_MESSAGE,
      related_file: "scenarios/minimal-accepted.yaml",
    });
    expect(dup?.history.map((h) => h.review_status)).toEqual(["generated", "rejected"]);
    const others = envelopes.filter((e) => e.candidate_id !== "x-ie-01");
    expect(others.map((e) => e.review_status)).toEqual(Array(others.length).fill("needs_review"));
  });

  it("the same claim under another class is not a duplicate, only noted", () => {
    const text = guidanceText({
      "Failure Modes": "- Applying the same desired revision twice is idle the second time.",
    });
    const fm = review(text, [idle]).find((e) => e.candidate_id === "x-fm-01");
    expect(fm?.review_status).toBe("needs_review");
    expect(fm?.validation_findings.map((f) => f.code)).toContain("same_claim_other_class");
  });

  it("candidates are candidate scenarios with semantic actions and structured assertions", () => {
    const drafts = deriveCandidates(parseGuidance(guidanceText(), "s.md"), {
      feature: "x",
      specPath: "s.md",
    });
    for (const d of drafts) {
      const s = ScenarioSchema.parse(d.scenario);
      expect(s.source).toBe("candidate");
      expect(s.steps.some((st) => st.step_type === "coreops_action" && st.action?.action === "apply")).toBe(
        true,
      );
      const types = new Set(s.assertions.map((a) => a.assertion_type));
      expect([...types].every((t) => ["json_path", "state_file", "no_pending_changes"].includes(t))).toBe(
        true,
      );
    }
    const drift = drafts.find((d) => d.candidate_id === "x-ob-02");
    expect(drift?.findings.map((f) => f.code)).toEqual(["placeholder_step", "default_fixture"]);
  });
});
