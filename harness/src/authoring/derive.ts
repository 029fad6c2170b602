/**
 * From parsed guidance to candidate drafts: one candidate per bullet of the behaviour subsections
 * (Observable Behaviors, Idempotency Expectations, Failure Modes, Upgrade Considerations), its class taken
 * from the subsection unless the bullet names one (`[drift_correction] …`). Invariants are not one scenario
 * each: they go into every candidate's description for the reviewer. Pure.
 */
import type { z } from "zod";
import type { ScenarioClass, ScenarioSchema } from "../scenario/schema.js";
import type { GenerationInputs, GuidanceSubsection, ValidationFinding } from "./candidate.js";
import { normalizeClaim } from "./claim.js";
import type { Guidance, GuidanceBullet } from "./guidance.js";
import { type CandidateFixture, templateFor } from "./templates.js";

export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** The class a bullet of each behaviour subsection proves; subsections not listed generate nothing. */
export const SUBSECTION_CLASS: Partial<Record<GuidanceSubsection, ScenarioClass>> = {
  "Observable Behaviors": "convergence",
  "Idempotency Expectations": "idempotency",
  "Failure Modes": "regression_detection",
  "Upgrade Considerations": "upgrade_transition",
};

const ABBREVIATION: Partial<Record<GuidanceSubsection, string>> = {
  "Observable Behaviors": "ob",
  "Idempotency Expectations": "ie",
  "Failure Modes": "fm",
  "Upgrade Considerations": "uc",
};

/** When a spec has no `### Candidate Fixture`: a two-revision history every class template can use. */
export const DEFAULT_FIXTURE: CandidateFixture = {
  repo_fixture: "frontend-history",
  revisions: ["v1", "v2"],
  host: "verify-host",
};

export interface CandidateDraft {
  candidate_id: string;
  inputs: Omit<GenerationInputs, "accepted_dir">;
  scenario: ScenarioInput;
  findings: ValidationFinding[];
}

export interface DeriveContext {
  /** The feature: the spec's directory name (`specs/<feature>/spec.md`). */
  feature: string;
  /** The spec path as recorded in the envelope. */
  specPath: string;
}

export function candidateFixture(g: Guidance): { fixture: CandidateFixture; given: boolean } {
  const f = g.fixture;
  if (f.repo_fixture === undefined) return { fixture: DEFAULT_FIXTURE, given: false };
  const revisions = (f.revisions ?? "")
    .split(/[,\s]+/)
    .map((r) => r.trim())
    .filter((r) => r !== "");
  return {
    fixture: {
      repo_fixture: f.repo_fixture,
      revisions: revisions.length > 0 ? revisions : [f.revision ?? "v1"],
      host: f.host ?? DEFAULT_FIXTURE.host,
      ...(f.object === undefined ? {} : { object: f.object }),
    },
    given: true,
  };
}

function fixturesOf(f: CandidateFixture, evolution: boolean): ScenarioInput["fixtures"] {
  const last = f.revisions.at(-1) ?? "v1";
  if (!evolution) return { repo_fixture: f.repo_fixture, revision_under_test: last };
  return {
    repo_fixture: f.repo_fixture,
    repository_evolution: { history_fixture: f.repo_fixture, revisions: f.revisions },
    revision_under_test: last,
  };
}

function title(claim: string): string {
  const words = claim.replace(/\.$/, "");
  return words.length <= 90 ? words : `${words.slice(0, 87).replace(/\s+\S*$/, "")} …`;
}

function draftFindings(
  t: ReturnType<typeof templateFor>,
  given: boolean,
  fixture: CandidateFixture,
  cls: ScenarioClass,
): ValidationFinding[] {
  const findings: ValidationFinding[] = t.placeholders.map((p) => ({
    severity: "warning",
    code: "placeholder_step",
    message: `${p.message}: the step fails until it is edited`,
    field: p.field,
  }));
  if (!given) {
    findings.push({
      severity: "warning",
      code: "default_fixture",
      message: `the spec names no ### Candidate Fixture; the candidate uses repos/${fixture.repo_fixture} — choose the fixture that shows this behaviour`,
      field: "fixtures",
    });
  }
  if (t.generic) {
    findings.push({
      severity: "warning",
      code: "generic_template",
      message: `no template for ${cls}: the steps are the convergence ones, write the steps this class needs`,
      field: "steps",
    });
  }
  return findings;
}

function draftFor(b: GuidanceBullet, index: number, g: Guidance, ctx: DeriveContext): CandidateDraft {
  const cls = b.tag ?? SUBSECTION_CLASS[b.subsection] ?? "convergence";
  const { fixture, given } = candidateFixture(g);
  const evolution = given ? g.fixture.revisions !== undefined : true;
  const t = templateFor(cls, fixture);
  const candidate_id = `${ctx.feature}-${ABBREVIATION[b.subsection] ?? "x"}-${String(index + 1).padStart(2, "0")}`;
  const invariants = g.bullets.filter((x) => x.subsection === "Invariants").map((x) => `- ${x.text}`);
  const findings = draftFindings(t, given, fixture, cls);
  const scenario: ScenarioInput = {
    scenario_id: `candidate-${candidate_id}`,
    title: title(b.text),
    description: [
      `Generated from ${ctx.specPath}:${b.line} (### ${b.subsection}). Review: pick the fixture that shows`,
      "this behaviour, edit the steps, and add assertions on what the claim says; the generated ones check",
      "the durable records (apply outcome, status.json, a plan with nothing pending).",
      ...(invariants.length > 0 ? ["Invariants of the feature to keep in mind:", ...invariants] : []),
    ].join("\n"),
    scenario_classes: [cls],
    source: "candidate",
    behavioral_claim: b.text,
    rationale: `Needed by ${ctx.specPath} (## Verification Guidance, ### ${b.subsection}, line ${b.line}).`,
    host: fixture.host,
    environment: { profile: "single-blessed-vm" },
    fixtures: fixturesOf(fixture, evolution),
    steps: t.steps,
    assertions: t.assertions,
  };
  const inputs = {
    spec_path: ctx.specPath,
    spec_line: b.line,
    subsection: b.subsection,
    claim: b.text,
    normalized_claim: normalizeClaim(b.text),
    scenario_class: cls,
  };
  return { candidate_id, inputs, scenario, findings };
}

/** Every candidate the guidance asks for, in spec order. */
export function deriveCandidates(g: Guidance, ctx: DeriveContext): CandidateDraft[] {
  const counters = new Map<GuidanceSubsection, number>();
  const out: CandidateDraft[] = [];
  for (const b of g.bullets) {
    if (SUBSECTION_CLASS[b.subsection] === undefined) continue;
    const n = counters.get(b.subsection) ?? 0;
    counters.set(b.subsection, n + 1);
    out.push(draftFor(b, n, g, ctx));
  }
  return out;
}
