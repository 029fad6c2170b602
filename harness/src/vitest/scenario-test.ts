/**
 * The runtime behind each scenario test: the VM comes from a `test.extend` fixture whose teardown destroys
 * every machine the scenario created (guaranteed, also on timeout or failure), each step is reported with
 * `annotate`, structured results go to `task.meta.coreops`, and the test fails unless the outcome is passed.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test as base, inject } from "vitest";
import "./meta.js";
import { notAcceptedProblem } from "../authoring/accepted-only.js";
import type { Machine } from "../machine.js";
import { findRepoRoot } from "../repo-root.js";
import { agentBinaryPath } from "../run/agent-binary.js";
import { type ExecuteOptions, executeScenario } from "../run/execute.js";
import { renderRun } from "../run/render-human.js";
import { chooseHypervisor, openSubstrateHypervisor } from "../run/substrate.js";
import type { ScenarioRun } from "../run/types.js";
import { renderProblem } from "../scenario/errors.js";
import { type LoadedScenario, loadScenarioFile, parseScenario } from "../scenario/loader.js";
import { resolvePolicy } from "../scenario/profiles.js";
import type { ScenarioMeta } from "./meta.js";

/** Machines created during one test; the fixture's teardown destroys whatever is still alive. */
export class MachineRegistry {
  readonly machines: Machine[] = [];
  add(m: Machine): void {
    this.machines.push(m);
  }
  async destroyAll(): Promise<void> {
    await Promise.allSettled(this.machines.map((m) => m.destroy()));
  }
}

const scenarioTest = base.extend<{ machines: MachineRegistry }>({
  // biome-ignore lint/correctness/noEmptyPattern: Vitest fixtures take their dependencies by destructuring.
  machines: async ({}, use) => {
    const registry = new MachineRegistry();
    await use(registry);
    await registry.destroyAll();
  },
});

function timeoutFor(file: string): number {
  try {
    const { timeouts } = resolvePolicy(parseScenario(readFileSync(file, "utf8"), file).scenario);
    return timeouts.scenarioMs + 2 * timeouts.readinessMs + 120_000;
  } catch {
    return 60_000;
  }
}

/** Only accepted scenarios run in the corpus (authoring/accepted-only.ts): a candidate fails, unrun. */
function refuseNotAccepted(loaded: LoadedScenario): void {
  const problem = notAcceptedProblem(loaded);
  if (problem) throw new Error(`not run: ${renderProblem(problem)}`);
}

export function defineScenarioTest(file: string, scenarioId: string | null): void {
  scenarioTest(
    scenarioId ?? basename(file),
    { timeout: timeoutFor(file) },
    async ({ machines, annotate, task, signal }) => {
      const loaded = await loadScenarioFile(file);
      refuseNotAccepted(loaded);
      const pending: Promise<unknown>[] = [];
      const run = await runScenario(loaded, signal, {
        onMachine: (m) => machines.add(m),
        onStep: (r) => {
          pending.push(
            annotate(
              `step ${r.step_id}: ${r.status} in ${r.duration_ms} ms${r.status === "passed" ? "" : ` — ${r.details}`}`,
              r.status === "passed" ? "notice" : "error",
            ),
          );
        },
      });
      await Promise.all(pending);
      task.meta.coreops = scenarioMeta(loaded, run);
      await annotate(`bundle ${run.bundle.bundle_path} (${run.bundle.collection_status})`, "notice");
      for (const w of run.warnings) await annotate(run.redactor.text(w), "warning");
      if (run.classification.outcome !== "passed") throw new Error(run.redactor.text(renderRun(run)));
    },
  );
}

/** Runs the scenario on the VM substrate, or on the synthetic machine of the harness's own tests. */
async function runScenario(
  loaded: LoadedScenario,
  signal: AbortSignal,
  hooks: Required<Pick<ExecuteOptions, "onMachine" | "onStep">>,
): Promise<ScenarioRun> {
  const synthetic = process.env.CORE_OPS_VERIFY_SYNTHETIC === "1";
  const substrateError = inject("coreopsSubstrateError");
  if (!synthetic && substrateError) {
    throw new Error(
      `scenario ${loaded.scenario.scenario_id} cannot run: the VM substrate is not ready.\n${substrateError}`,
    );
  }
  const repoRoot = findRepoRoot();
  const { hypervisor, agentBinary } = await chooseHypervisor(synthetic, async () => ({
    hypervisor: await openSubstrateHypervisor(),
    agentBinary: inject("coreopsAgentBinary") ?? agentBinaryPath(repoRoot),
  }));
  const artifactsDir = process.env.CORE_OPS_VERIFY_ARTIFACTS_DIR ?? join(repoRoot, "artifacts");
  return await executeScenario({
    loaded,
    hypervisor,
    repoRoot,
    workspaceRoot: process.env.CORE_OPS_VERIFY_WORKSPACE ?? join(repoRoot, ".core-ops-verify", "workspace"),
    artifactsDir,
    agentBinary,
    mode: process.env.CI ? "ci" : "local",
    signal,
    onMachine: hooks.onMachine,
    onStep: hooks.onStep,
  });
}

/** The structured results reporters read from `task.meta.coreops` (`meta.ts`). */
function scenarioMeta(loaded: LoadedScenario, run: ScenarioRun): ScenarioMeta {
  const timeline = run.timeline.toJSON(run.completedAt);
  return {
    scenario_id: loaded.scenario.scenario_id,
    run_id: run.runId,
    outcome: run.classification.outcome,
    observed_outcome: run.classification.observed,
    bundle_path: run.bundle.bundle_path,
    collection_status: run.bundle.collection_status,
    steps: run.steps.map((s) => ({ step_id: s.step_id, status: s.status, duration_ms: s.duration_ms })),
    assertions: run.assertions.map((a) => ({ assertion_id: a.assertion_id, status: a.status })),
    timeline: timeline.phases.map((p) => ({
      kind: p.kind,
      name: p.name,
      duration_ms: p.duration_ms,
      guest_ms: p.guest_ms,
    })),
    wall_ms: timeline.wall_ms,
  };
}
