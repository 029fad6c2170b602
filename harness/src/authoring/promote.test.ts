/**
 * Promotion: every refusal happens before anything runs (the run function throws if called); the pass and
 * fail paths use the harness's synthetic machine (a real promotion against a VM is recorded in
 * scenarios/README.md).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executeScenario } from "../run/execute.js";
import { syntheticHypervisor } from "../run/synthetic.js";
import type { LoadedScenario } from "../scenario/loader.js";
import { acceptedText } from "./accepted-text.js";
import { type CandidateEnvelope, CandidateEnvelopeSchema } from "./candidate.js";
import { type PromoteOptions, promoteCandidate } from "./promote.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "promote-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const candidateText = (id: string, command = "echo promoted-probe") => `# a reviewed candidate
scenario_id: ${id}
title: t
description: d
scenario_classes: [convergence]
source: candidate # until promoted
behavioral_claim: c
rationale: r
environment: { profile: single-blessed-vm }
fixtures: { repo_fixture: frontend-history/v1, revision_under_test: v1 }
steps: [{ step_id: s, step_type: guest_command, command: "${command}" }]
assertions: [{ assertion_id: a, assertion_type: step_exit_code_is, target: s, expected_state: 0 }]
`;

function envelope(id: string, status: CandidateEnvelope["review_status"]): CandidateEnvelope {
  return {
    envelope_version: 1,
    candidate_id: id,
    scenario_file: `${id}.yaml`,
    generation_inputs: {
      spec_path: "specs/x/spec.md",
      spec_line: 3,
      subsection: "Observable Behaviors",
      claim: "c",
      normalized_claim: "c",
      scenario_class: "convergence",
      accepted_dir: "scenarios",
    },
    validation_findings:
      status === "rejected"
        ? [{ severity: "error", code: "duplicate_accepted_coverage", message: "duplicate accepted coverage" }]
        : [],
    review_status: status,
    history: [{ review_status: status, at: "2026-11-30T10:00:00.000Z", by: "core-ops-verify generate" }],
  };
}

let n = 0;
function layout(status: CandidateEnvelope["review_status"] | "none", text?: (id: string) => string) {
  const dir = join(scratch, `case-${++n}`);
  const id = `cand-${n}`;
  mkdirSync(join(dir, "generated_candidates"), { recursive: true });
  mkdirSync(join(dir, "scenarios"), { recursive: true });
  const candidateFile = join(dir, "generated_candidates", `${id}.yaml`);
  writeFileSync(candidateFile, (text ?? candidateText)(id));
  if (status !== "none") {
    writeFileSync(
      join(dir, "generated_candidates", `${id}.envelope.json`),
      JSON.stringify(envelope(id, status)),
    );
  }
  return { dir, id, candidateFile, acceptedDir: join(dir, "scenarios") };
}

const mustNotRun = async (): Promise<never> => {
  throw new Error("the candidate must not run");
};

const synthetic = (dir: string) => (loaded: LoadedScenario) =>
  executeScenario({
    loaded,
    hypervisor: syntheticHypervisor(),
    repoRoot: ROOT,
    workspaceRoot: join(dir, "ws"),
    artifactsDir: join(dir, "artifacts"),
    agentBinary: process.execPath,
    mode: "local",
  });

const opts = (l: ReturnType<typeof layout>, o: Partial<PromoteOptions> = {}): PromoteOptions => ({
  candidateFile: l.candidateFile,
  acceptedDir: l.acceptedDir,
  reviewed: true,
  repoRoot: l.dir,
  run: mustNotRun,
  ...o,
});

describe("promote refuses before anything runs", () => {
  it("without an envelope, when rejected, already accepted or only generated", async () => {
    const cases: [Parameters<typeof layout>[0], RegExp][] = [
      ["none", /no candidate envelope at generated_candidates\/cand-\d+\.envelope\.json/],
      ["rejected", /the candidate is rejected \(duplicate accepted coverage\)/],
      ["accepted", /already promoted/],
      ["generated", /not checked against the accepted corpus/],
    ];
    for (const [status, reason] of cases) {
      const l = layout(status);
      const r = await promoteCandidate(opts(l));
      expect(r.promoted).toBe(false);
      expect(r.promoted ? "" : r.reason).toMatch(reason);
      expect(existsSync(l.candidateFile)).toBe(true);
    }
  });

  it("when the author did not mark it reviewed", async () => {
    const l = layout("needs_review");
    const r = await promoteCandidate(opts(l, { reviewed: false }));
    expect(r.promoted ? "" : r.reason).toMatch(/not marked reviewed.*--reviewed/);
  });

  it("when the file or the scenario id is taken in the accepted corpus", async () => {
    const l = layout("needs_review");
    writeFileSync(join(l.acceptedDir, `${l.id}.yaml`), "x: 1\n");
    expect(await promoteCandidate(opts(l))).toMatchObject({
      promoted: false,
      reason: expect.stringMatching(/scenarios\/cand-\d+\.yaml already exists/),
    });
    const m = layout("needs_review");
    writeFileSync(join(m.acceptedDir, "other.yaml"), acceptedText(candidateText(m.id)));
    expect(await promoteCandidate(opts(m))).toMatchObject({
      promoted: false,
      reason: expect.stringMatching(/scenario_id cand-\d+ is already used by .*other\.yaml/),
    });
  });
});

describe("promote after the run", () => {
  it("a passing reviewed candidate moves into the corpus as accepted, with its envelope and the bundle status", async () => {
    const l = layout("needs_review");
    const r = await promoteCandidate(opts(l, { run: synthetic(l.dir) }));
    if (!r.promoted) throw new Error(r.reason);
    expect(existsSync(l.candidateFile)).toBe(false);
    const text = readFileSync(join(l.acceptedDir, `${l.id}.yaml`), "utf8");
    expect(text).toContain("source: accepted # until promoted");
    expect(text).not.toContain("source: candidate");
    const env = CandidateEnvelopeSchema.parse(
      JSON.parse(readFileSync(join(l.acceptedDir, `${l.id}.envelope.json`), "utf8")),
    );
    expect(env.review_status).toBe("accepted");
    expect(env.history.map((h) => h.review_status)).toEqual(["needs_review", "accepted"]);
    expect(env.history[1]?.note).toContain(`run ${r.runId} passed`);
    expect(existsSync(join(l.dir, "generated_candidates", `${l.id}.envelope.json`))).toBe(false);
    expect(readFileSync(join(r.bundle, "promotion-status.txt"), "utf8")).toMatch(
      /^promoted: generated_candidates/,
    );
    const manifest = JSON.parse(readFileSync(join(r.bundle, "manifest.json"), "utf8"));
    expect(manifest.manifest_entries.map((e: { relative_path: string }) => e.relative_path)).toContain(
      "promotion-status.txt",
    );
  });

  it("a candidate whose run fails stays a candidate; the envelope and the bundle say why", async () => {
    const l = layout("needs_review", (id) => candidateText(id, "echo fail-step"));
    const r = await promoteCandidate(opts(l, { run: synthetic(l.dir) }));
    expect(r.promoted).toBe(false);
    if (r.promoted) return;
    expect(r.reason).toMatch(/ended infrastructure_failure|ended assertion_failure/);
    expect(existsSync(l.candidateFile)).toBe(true);
    expect(existsSync(join(l.acceptedDir, `${l.id}.yaml`))).toBe(false);
    const env = CandidateEnvelopeSchema.parse(
      JSON.parse(readFileSync(join(l.dir, "generated_candidates", `${l.id}.envelope.json`), "utf8")),
    );
    expect(env.review_status).toBe("needs_review");
    expect(env.history.at(-1)?.note).toMatch(/^promotion refused: /);
    expect(readFileSync(join(r.bundle as string, "promotion-status.txt"), "utf8")).toMatch(/^NOT promoted: /);
  });
});

describe("acceptedText", () => {
  it("changes only the top-level source line", () => {
    expect(acceptedText("a: 1\nsource: candidate\nb:\n  source: candidate\n")).toBe(
      "a: 1\nsource: accepted\nb:\n  source: candidate\n",
    );
    expect(() => acceptedText("source: accepted\n")).toThrow(/no top-level `source: candidate`/);
    expect(
      acceptedText(
        "# Review it, run it (core-ops-verify run --scenario <this file>), then promote it.\nsource: candidate\n",
      ),
    ).toBe(
      "# Reviewed, run and promoted by core-ops-verify promote (its history is in the envelope).\nsource: accepted\n",
    );
  });
});
