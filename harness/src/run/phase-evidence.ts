/**
 * The evidence phase of a scenario run: the console and the journal scanned by the guest checks, the
 * rendered Ignition, the final classification (the checks can fail a run) and, on a ready guest, the guest
 * evidence files when the artifact policy wants them (a failed run; every run with `always_collect`). Never throws: a failure here is logged and the evidence
 * gathered so far is kept.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Finding, scanText } from "../bundle/checks.js";
import { collectFailureEvidence } from "../bundle/failure-evidence.js";
import type { BundleFile } from "../bundle/writer.js";
import { errorText } from "../faults.js";
import type { Machine } from "../machine.js";
import type { StepResult } from "../steps/result.js";
import { ScenarioMachine } from "../steps/verbs.js";
import { guestEvidenceWanted } from "./artifact-selection.js";
import type { Classification } from "./outcome.js";
import type { RunContext } from "./run-context.js";

export interface Evidence {
  consoleText: string;
  findings: Finding[];
  ignition?: string;
  failureFiles: BundleFile[];
  classification: Classification;
}

/** The guest as the evidence phase sees it. */
export interface EvidenceSource {
  machine: Machine;
  /** Whether the guest became ready (only then are its journal and failure files read). */
  ready: boolean;
  /** Where its Ignition was rendered. */
  ignitionDir: string;
  steps: readonly StepResult[];
}

/** Classifies the run given the names of the failing guest checks. */
export type Judge = (failingChecks: readonly string[]) => Classification;

export async function collectEvidence(ctx: RunContext, src: EvidenceSource, judge: Judge): Promise<Evidence> {
  const { machine } = src;
  return ctx.timeline.phase("evidence", "evidence", async () => {
    const consoleText = await readFile(machine.consolePath(), "utf8").catch(
      (err) => `(console log unavailable: ${errorText(err)})`,
    );
    const journal = src.ready ? await machine.journal().catch(() => "") : "";
    const findings = [...scanText(consoleText, "console"), ...scanText(journal, "journal")];
    const gathered = { consoleText, findings, failureFiles: [], classification: judge([]) };
    const ignition = await findIgnition(src.ignitionDir).catch((err) => failed(ctx, err));
    if (typeof ignition === "object") return gathered;
    const failing = [...new Set(findings.filter((f) => f.severity === "fail").map((f) => f.check))].sort();
    const classification = judge(failing);
    const wanted = guestEvidenceWanted(ctx.policy.artifacts, classification.observed === "passed");
    if (!wanted || !src.ready) return { ...gathered, ignition, classification };
    const failureFiles = await collectFailureEvidence(new ScenarioMachine(machine, ctx.log), src.steps).catch(
      (err) => failed(ctx, err),
    );
    if (!Array.isArray(failureFiles)) return { ...gathered, ignition, classification };
    return { ...gathered, ignition, classification, failureFiles };
  });
}

function failed(ctx: RunContext, err: unknown): { failed: string } {
  const message = `evidence collection failed: ${errorText(err)}`;
  ctx.log.info(message);
  return { failed: message };
}

async function findIgnition(dir: string): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined;
  const files = (await readdir(dir)).filter((f) => f.endsWith(".ign")).sort();
  return files[0] === undefined ? undefined : readFile(join(dir, files[0]), "utf8");
}
