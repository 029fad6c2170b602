/**
 * A Vite plugin that makes each scenario YAML file one Vitest test file (ARCHITECTURE.md "How a scenario
 * flows through the harness"):
 * `transform` turns `scenarios/<x>.yaml` into a module calling `defineScenarioTest(file, id)`. The YAML is
 * loaded and validated inside the test, so a bad scenario fails its test with the loader's file:line
 * message instead of breaking collection.
 */
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";

const RUNTIME = fileURLToPath(new URL("./scenario-test.js", import.meta.url)).replace(/\.js$/, "");

/** The scenario id as written (for the test name and `-t`), or undefined when the file does not say. */
export function peekScenarioId(text: string): string | undefined {
  try {
    const id = parseDocument(text).get("scenario_id");
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

export function scenarioModule(file: string, text: string, runtime: string = RUNTIME): string {
  return [
    `import { defineScenarioTest } from ${JSON.stringify(runtime)};`,
    `defineScenarioTest(${JSON.stringify(file)}, ${JSON.stringify(peekScenarioId(text) ?? null)});`,
    "",
  ].join("\n");
}

export interface ScenarioPluginOptions {
  /** Which files are scenarios (default: `*.yaml` / `*.yml`). */
  include?: RegExp;
  /** Module that exports `defineScenarioTest` (default: the harness's own runtime). */
  runtime?: string;
}

export function scenarioPlugin(options: ScenarioPluginOptions = {}) {
  const include = options.include ?? /\.ya?ml$/;
  return {
    name: "core-ops-verify:scenarios",
    enforce: "pre" as const,
    transform(code: string, id: string) {
      const file = id.split("?")[0] ?? id;
      if (!include.test(file)) return null;
      return { code: scenarioModule(file, code, options.runtime), map: { mappings: "" } };
    },
  };
}
