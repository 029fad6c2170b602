/** Corpus selection: the scenario files of a directory (sorted), optionally narrowed to scenario ids. */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { type LoadedScenario, loadScenarioFile } from "../scenario/loader.js";

export async function listScenarioFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Loads every scenario of `dir`; with `ids`, only those (an unknown id is an error naming the known ones). */
export async function loadCorpus(dir: string, ids: readonly string[] = []): Promise<LoadedScenario[]> {
  const all: LoadedScenario[] = [];
  for (const f of await listScenarioFiles(dir)) all.push(await loadScenarioFile(f));
  const seen = new Map<string, string>();
  for (const s of all) {
    const prev = seen.get(s.scenario.scenario_id);
    if (prev !== undefined) {
      throw new Error(`scenario_id ${s.scenario.scenario_id} is used by both ${prev} and ${s.file}`);
    }
    seen.set(s.scenario.scenario_id, s.file);
  }
  if (ids.length === 0) return all;
  const unknown = ids.filter((id) => !seen.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown --scenario-id ${unknown.join(", ")} in ${dir}; known: ${[...seen.keys()].sort().join(", ")}`,
    );
  }
  return all.filter((s) => ids.includes(s.scenario.scenario_id));
}
