import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../scenario/loader.js";
import { executeScenario } from "./execute.js";
import { corpusRunDocument, singleRunDocument } from "./report.js";
import { syntheticHypervisor } from "./synthetic.js";
import { VerificationRunSchema } from "./verification-run.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function syntheticRun(file: string) {
  const d = await mkdtemp(join(tmpdir(), "coreops-vrun-"));
  dirs.push(d);
  return executeScenario({
    loaded: await loadScenarioFile(join(ROOT, "scenarios", file)),
    hypervisor: syntheticHypervisor(),
    repoRoot: ROOT,
    workspaceRoot: join(d, "ws"),
    artifactsDir: join(d, "artifacts"),
    agentBinary: process.execPath,
    mode: "ci",
  });
}

describe("verification_run schema", () => {
  it("accepts the single-scenario and the corpus documents as JSON round-trips them", async () => {
    const runs = [await syntheticRun("minimal-accepted.yaml"), await syntheticRun("designed-timeout.yaml")];
    const single = JSON.parse(JSON.stringify(singleRunDocument(runs[0] as (typeof runs)[0])));
    expect(VerificationRunSchema.parse(single).revision_selection_basis).toBe("single_scenario");
    const corpus = JSON.parse(JSON.stringify(corpusRunDocument("run-corpus", "ci", runs, new Date())));
    const parsed = VerificationRunSchema.parse(corpus);
    expect(parsed.revision_selection_basis).toBe("accepted_corpus");
    expect(parsed.overall_outcome).toBe("passed");
  });

  it("rejects a document with an unknown field, an unknown outcome or a missing timeline", async () => {
    const doc = JSON.parse(JSON.stringify(singleRunDocument(await syntheticRun("minimal-accepted.yaml"))));
    expect(VerificationRunSchema.safeParse({ ...doc, surprise: 1 }).success).toBe(false);
    expect(VerificationRunSchema.safeParse({ ...doc, overall_outcome: "mostly_passed" }).success).toBe(false);
    const { timeline: _, ...withoutTimeline } = doc;
    expect(VerificationRunSchema.safeParse(withoutTimeline).success).toBe(false);
    expect(VerificationRunSchema.safeParse(doc).success).toBe(true);
  });
});
