/**
 * `scenario-bundles.json`, written by every corpus run next to its bundles
 * (`<artifacts>/<corpus run id>/scenario-bundles.json`): one entry per scenario naming its bundle, so the
 * release gate (`.ci/e2e-gate`) and its workflow keep exactly the evidence of the run they gate on.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ScenarioRun } from "./types.js";

export const ScenarioBundlesSchema = z.array(
  z.object({
    scenario_id: z.string(),
    revision_under_test: z.string(),
    bundle_path: z.string(),
    outcome: z.string(),
  }),
);
export type ScenarioBundles = z.infer<typeof ScenarioBundlesSchema>;

export function scenarioBundles(runs: readonly ScenarioRun[]): ScenarioBundles {
  return runs.map((r) => ({
    scenario_id: r.loaded.scenario.scenario_id,
    revision_under_test: r.loaded.scenario.fixtures.revision_under_test,
    bundle_path: r.bundle.bundle_path,
    outcome: r.classification.outcome,
  }));
}

/** Writes the index; returns its path. */
export async function writeScenarioBundles(
  artifactsDir: string,
  corpusRunId: string,
  runs: readonly ScenarioRun[],
): Promise<string> {
  const dir = join(artifactsDir, corpusRunId);
  await mkdir(dir, { recursive: true });
  const file = join(dir, "scenario-bundles.json");
  await writeFile(file, `${JSON.stringify(scenarioBundles(runs), null, 2)}\n`);
  return file;
}
