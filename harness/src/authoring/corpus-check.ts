/**
 * Checks every scenario file of an accepted corpus up front, without booting anything: the scenario loader
 * (schema, step and assertion references, fixture directories and revisions below `repos/`), scenario ids
 * unique across the corpus, and only `source: accepted`. Every problem of every file is collected, so a
 * broken corpus is reported whole in about a second.
 */
import { listScenarioFiles } from "../run/corpus.js";
import { ScenarioLoadError, type ScenarioProblem } from "../scenario/errors.js";
import { type LoadedScenario, loadScenarioFile } from "../scenario/loader.js";
import { notAcceptedProblem } from "./accepted-only.js";
import { topLevelKeyLine } from "./key-line.js";

export interface CorpusCheck {
  files: string[];
  /** The files that loaded (also those with corpus-level problems). */
  scenarios: LoadedScenario[];
  problems: ScenarioProblem[];
}

export async function checkCorpus(dir: string): Promise<CorpusCheck> {
  const files = await listScenarioFiles(dir);
  const scenarios: LoadedScenario[] = [];
  const problems: ScenarioProblem[] = [];
  for (const file of files) {
    try {
      scenarios.push(await loadScenarioFile(file));
    } catch (err) {
      if (!(err instanceof ScenarioLoadError)) throw err;
      problems.push(...err.problems);
    }
  }
  const firstFile = new Map<string, string>();
  for (const s of scenarios) {
    const id = s.scenario.scenario_id;
    const prev = firstFile.get(id);
    if (prev === undefined) firstFile.set(id, s.file);
    else {
      problems.push({
        file: s.file,
        line: topLevelKeyLine(s.text, "scenario_id"),
        column: 1,
        field: "scenario_id",
        message: `scenario_id ${id} is already used by ${prev}`,
        hint: "scenario ids are unique across the corpus: rename one",
      });
    }
    const notAccepted = notAcceptedProblem(s);
    if (notAccepted) problems.push(notAccepted);
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { files, scenarios, problems };
}
