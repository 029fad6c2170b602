/**
 * Only accepted scenarios run at the gate (scenarios/README.md, "From a spec to an accepted scenario"): a
 * file in the accepted corpus whose `source` is not `accepted` is refused by `run --accepted-dir`, fails
 * its test under `vitest run scenarios`, and fails `validate` — before any VM boots. A candidate runs alone
 * with `core-ops-verify run --scenario <file>`. Pure: the rule once, for every caller.
 */
import type { ScenarioProblem } from "../scenario/errors.js";
import type { LoadedScenario } from "../scenario/loader.js";
import { topLevelKeyLine } from "./key-line.js";

/** The problem of a loaded scenario that may not run in the accepted corpus, or undefined when it may. */
export function notAcceptedProblem(loaded: LoadedScenario): ScenarioProblem | undefined {
  const { source, scenario_id } = loaded.scenario;
  if (source === "accepted") return undefined;
  return {
    file: loaded.file,
    line: topLevelKeyLine(loaded.text, "source"),
    column: 1,
    field: "source",
    message: `scenario ${scenario_id} is a ${source} (source: ${source}); the accepted corpus runs only source: accepted`,
    hint: "run it alone with `core-ops-verify run --scenario <file>`, and promote it once reviewed (`core-ops-verify promote`)",
  };
}
