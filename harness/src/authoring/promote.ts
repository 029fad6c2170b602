/**
 * `core-ops-verify promote <candidate> [--reviewed]`: the last step of the authoring loop (scenarios/README.md
 * "From a spec to an accepted scenario"). Refuses before anything boots when the gate says so
 * (`promotion-gate.ts`); otherwise runs the candidate against a real VM (the caller's `run`) and only when it
 * passes writes it into the accepted corpus with `source: accepted` (`accepted-text.ts`), moves its envelope
 * next to it with `review_status: accepted` and the event in its history, and removes the candidate. Either
 * way after a run, the bundle gets `promotion-status.txt` and the envelope records the attempt.
 */
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { appendBundleFile } from "../bundle/append.js";
import type { ScenarioRun } from "../run/types.js";
import { type LoadedScenario, loadScenarioFile } from "../scenario/loader.js";
import { acceptedText } from "./accepted-text.js";
import { type CandidateEnvelope, CandidateEnvelopeSchema, envelopePathFor } from "./candidate.js";
import { checkCorpus } from "./corpus-check.js";
import { promotionRefusal } from "./promotion-gate.js";

export const PROMOTER = "core-ops-verify promote";

export interface PromoteOptions {
  candidateFile: string;
  acceptedDir: string;
  reviewed: boolean;
  /** Paths in messages and notes are shown relative to this (the checkout). */
  repoRoot: string;
  /** Runs the candidate against a real VM (never the synthetic machine). */
  run: (loaded: LoadedScenario) => Promise<ScenarioRun>;
  now?: () => Date;
}

export type PromoteResult =
  | { promoted: true; target: string; envelope: string; runId: string; bundle: string }
  | { promoted: false; reason: string; runId?: string; bundle?: string };

async function readEnvelope(path: string): Promise<CandidateEnvelope | undefined> {
  if (!existsSync(path)) return undefined;
  const parsed = CandidateEnvelopeSchema.safeParse(JSON.parse(await readFile(path, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `candidate envelope ${path}: field ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export async function promoteCandidate(o: PromoteOptions): Promise<PromoteResult> {
  const now = o.now ?? (() => new Date());
  const show = (p: string) => relative(o.repoRoot, p) || p;
  const loaded = await loadScenarioFile(o.candidateFile);
  const envelopePath = envelopePathFor(o.candidateFile);
  const envelope = await readEnvelope(envelopePath);
  const corpus = await checkCorpus(o.acceptedDir);
  const target = join(o.acceptedDir, basename(o.candidateFile));
  const id = loaded.scenario.scenario_id;
  const refusal = promotionRefusal({
    envelope,
    envelopePath: show(envelopePath),
    reviewed: o.reviewed,
    source: loaded.scenario.source,
    scenarioId: id,
    target: show(target),
    targetExists: existsSync(target),
    idTakenBy: corpus.scenarios.find((s) => s.scenario.scenario_id === id)?.file,
  });
  if (refusal !== undefined || envelope === undefined) return { promoted: false, reason: refusal ?? "" };

  const run = await o.run(loaded);
  const at = now().toISOString();
  const paths = { candidate: o.candidateFile, envelope: envelopePath, target, show };
  return run.classification.outcome === "passed"
    ? recordPromotion(run, envelope, at, paths, o.acceptedDir)
    : recordRefusal(run, envelope, at, paths);
}

interface Paths {
  candidate: string;
  envelope: string;
  target: string;
  show: (p: string) => string;
}

async function recordRefusal(
  run: ScenarioRun,
  envelope: CandidateEnvelope,
  at: string,
  p: Paths,
): Promise<PromoteResult> {
  const bundle = run.bundle.bundle_path;
  const reason = `the candidate's run ${run.runId} ended ${run.classification.outcome}: ${run.classification.summary}`;
  envelope.history.push({
    review_status: "needs_review",
    at,
    by: PROMOTER,
    note: `promotion refused: ${reason}`,
  });
  await writeFile(p.envelope, json(CandidateEnvelopeSchema.parse(envelope)));
  await appendBundleFile(
    bundle,
    status(`NOT promoted: ${reason}\ncandidate: ${p.show(p.candidate)}\n`),
    run.redactor,
  );
  return { promoted: false, reason, runId: run.runId, bundle };
}

async function recordPromotion(
  run: ScenarioRun,
  envelope: CandidateEnvelope,
  at: string,
  p: Paths,
  acceptedDir: string,
): Promise<PromoteResult> {
  const bundle = run.bundle.bundle_path;
  const acceptedEnvelope = join(acceptedDir, basename(p.envelope));
  await writeFile(p.target, acceptedText(await readFile(p.candidate, "utf8")), { flag: "wx" });
  const promoted = CandidateEnvelopeSchema.parse({
    ...envelope,
    scenario_file: basename(p.target),
    review_status: "accepted",
    history: [
      ...envelope.history,
      {
        review_status: "accepted",
        at,
        by: PROMOTER,
        note: `marked reviewed (--reviewed); run ${run.runId} passed; promoted from ${p.show(p.candidate)} to ${p.show(p.target)}`,
      },
    ],
  });
  await writeFile(acceptedEnvelope, json(promoted));
  await rm(p.candidate);
  if (acceptedEnvelope !== p.envelope) await rm(p.envelope);
  await appendBundleFile(
    bundle,
    status(
      `promoted: ${p.show(p.candidate)} → ${p.show(p.target)} (source: accepted) at ${at}\nenvelope: ${p.show(acceptedEnvelope)}\n`,
    ),
    run.redactor,
  );
  return { promoted: true, target: p.target, envelope: acceptedEnvelope, runId: run.runId, bundle };
}

function status(content: string) {
  return { logicalName: "promotion-status", relativePath: "promotion-status.txt", content };
}
