/**
 * Which of a spec's required scenario classes the accepted corpus proves: a class is covered when at least
 * one accepted scenario lists it in `scenario_classes`. Pure.
 */
import type { ScenarioClass } from "../scenario/schema.js";
import type { RequiredClass } from "./guidance.js";

export interface CoverageScenario {
  file: string;
  scenario_id: string;
  scenario_classes: readonly ScenarioClass[];
}

export interface ClassCoverage {
  scenario_class: ScenarioClass;
  /** Line of the class's bullet in the spec. */
  line: number;
  /** Accepted scenario ids proving it, sorted. */
  scenarios: string[];
}

export interface Coverage {
  required: ScenarioClass[];
  covered: ClassCoverage[];
  missing: ClassCoverage[];
}

export function classCoverage(
  required: readonly RequiredClass[],
  accepted: readonly CoverageScenario[],
): Coverage {
  const rows = required.map(
    (r): ClassCoverage => ({
      scenario_class: r.scenario_class,
      line: r.line,
      scenarios: accepted
        .filter((s) => s.scenario_classes.includes(r.scenario_class))
        .map((s) => s.scenario_id)
        .sort(),
    }),
  );
  return {
    required: rows.map((r) => r.scenario_class),
    covered: rows.filter((r) => r.scenarios.length > 0),
    missing: rows.filter((r) => r.scenarios.length === 0),
  };
}
