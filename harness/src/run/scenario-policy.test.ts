/** retain_environment_in_debug and always_collect change what a run does (synthetic machine). */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BundleManifestSchema } from "../bundle/manifest.js";
import { parseScenario } from "../scenario/loader.js";
import { executeScenario } from "./execute.js";
import { type SyntheticMachine, syntheticHypervisor } from "./synthetic.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const TEXT = (policy: string) => `scenario_id: policy-probe
title: t
description: d
scenario_classes: [convergence]
source: candidate
behavioral_claim: c
rationale: r
environment: { profile: single-blessed-vm }
fixtures: { repo_fixture: frontend-history/v1, revision_under_test: v1 }
steps: [{ step_id: s, step_type: guest_command, command: "echo hi" }]
assertions: [{ assertion_id: a, assertion_type: step_exit_code_is, target: s, expected_state: 0 }]
${policy}
`;

async function run(policy: string, retain: boolean) {
  const d = await mkdtemp(join(tmpdir(), "coreops-policy-"));
  dirs.push(d);
  const created: SyntheticMachine[] = [];
  const result = await executeScenario({
    loaded: parseScenario(TEXT(policy), "p.yaml"),
    hypervisor: syntheticHypervisor({ created }),
    repoRoot: ROOT,
    workspaceRoot: join(d, "ws"),
    artifactsDir: join(d, "artifacts"),
    agentBinary: process.execPath,
    mode: retain ? "debug" : "local",
    retain,
  });
  const manifest = BundleManifestSchema.parse(
    JSON.parse(await readFile(join(result.bundle.bundle_path, "manifest.json"), "utf8")),
  );
  return { result, created, manifest };
}

describe("artifact policy", () => {
  it("--debug keeps the VM by default, and tears it down when retain_environment_in_debug is false", async () => {
    const kept = await run("", true);
    expect(kept.result.environmentRetained).toBe(true);
    expect(kept.created[0]?.destroyed).toBe(false);
    const gone = await run(
      "policy_overrides: { artifact_policy: { retain_environment_in_debug: false } }",
      true,
    );
    expect(gone.result.classification.outcome).toBe("passed");
    expect(gone.result.environmentRetained).toBe(false);
    expect(gone.created[0]?.destroyed).toBe(true);
  });

  it("always_collect: journal-excerpts puts the guest evidence into a passing run's bundle", async () => {
    const plain = await run("", false);
    expect(plain.manifest.manifest_entries.map((e) => e.relative_path)).not.toContain("guest-journal.txt");
    const always = await run(
      "policy_overrides: { artifact_policy: { always_collect: [journal-excerpts] } }",
      false,
    );
    expect(always.result.classification.outcome).toBe("passed");
    const entry = always.manifest.manifest_entries.find((e) => e.relative_path === "guest-journal.txt");
    expect(entry?.failure_specific).toBe(false);
  });
});
