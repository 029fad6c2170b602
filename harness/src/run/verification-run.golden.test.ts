/**
 * Goldens of the harness's own output: for synthetic runs of a few scenarios (pass, designed failures,
 * bring-up retry and failure, missing agent, console check, readiness timeout) the `verification_run`
 * document as `--json` prints it, the human summary, and the bundle's `verification-run.json` and `harness-log.txt`. Refactors of
 * the executor must leave these byte-for-byte the same; see `test-support/golden.ts` for what is normalized
 * and how to rewrite them (`GOLDEN_UPDATE=1`).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../scenario/loader.js";
import { executeScenario } from "./execute.js";
import { renderRun } from "./render-human.js";
import { singleRunDocument } from "./report.js";
import { type SyntheticOptions, syntheticHypervisor } from "./synthetic.js";
import { golden, normalize } from "./test-support/golden.js";
import { ScenarioVerificationRunSchema } from "./verification-run.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const GOLDEN_DIR = join(ROOT, "harness", "test-fixtures", "golden", "verification-run");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const CASES: { name: string; scenario: string; synthetic?: SyntheticOptions; agentBinary?: string }[] = [
  { name: "minimal-passed", scenario: "minimal-accepted.yaml" },
  { name: "designed-timeout", scenario: "designed-timeout.yaml" },
  { name: "designed-infrastructure-failure", scenario: "designed-infrastructure-failure.yaml" },
  { name: "bring-up-retried", scenario: "minimal-accepted.yaml", synthetic: { failStarts: 1 } },
  { name: "bring-up-failed", scenario: "minimal-accepted.yaml", synthetic: { failStarts: 2 } },
  { name: "never-ready", scenario: "minimal-accepted.yaml", synthetic: { neverReady: true } },
  {
    name: "kernel-panic",
    scenario: "minimal-accepted.yaml",
    synthetic: { consoleLines: ["Kernel panic - not syncing: test"] },
  },
  { name: "missing-agent", scenario: "minimal-accepted.yaml", agentBinary: "/nonexistent/core-ops" },
];

describe("verification_run goldens (synthetic machine)", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const tmp = await mkdtemp(join(tmpdir(), "coreops-golden-"));
      dirs.push(tmp);
      const run = await executeScenario({
        loaded: await loadScenarioFile(join(ROOT, "scenarios", c.scenario)),
        hypervisor: syntheticHypervisor(c.synthetic),
        repoRoot: ROOT,
        workspaceRoot: join(tmp, "ws"),
        artifactsDir: join(tmp, "artifacts"),
        agentBinary: c.agentBinary ?? process.execPath,
        mode: "local",
      });
      const outputs: [string, string][] = [
        ["verification-run.json", run.redactor.text(`${JSON.stringify(singleRunDocument(run), null, 2)}\n`)],
        ["summary.txt", run.redactor.text(renderRun(run))],
        [
          "bundle-verification-run.json",
          await readFile(join(run.bundle.bundle_path, "verification-run.json"), "utf8"),
        ],
        ["harness-log.txt", await readFile(join(run.bundle.bundle_path, "harness-log.txt"), "utf8")],
      ];
      // Both documents are what the schema says (and nothing more: the schemas are strict).
      ScenarioVerificationRunSchema.parse(JSON.parse(outputs[0]?.[1] ?? ""));
      ScenarioVerificationRunSchema.parse(JSON.parse(outputs[2]?.[1] ?? ""));
      for (const [suffix, text] of outputs) {
        const actual = normalize(text, { tmp, root: ROOT });
        expect(actual, `${c.name}.${suffix}`).toBe(
          await golden(join(GOLDEN_DIR, `${c.name}.${suffix}.golden`), actual),
        );
      }
    });
  }
});
