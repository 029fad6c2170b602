/** `core-ops explain <object>`: why the plan does what it does to one object. */
import type { Command } from "commander";
import { explainObject } from "../plan/explain.js";
import { planHost } from "../plan/plan-host.js";
import { renderExplain } from "../views/render-explain.js";
import { printJson, printText } from "./output.js";
import { addSourceOptions, planInputOf, resolveSource, type SourceOptions } from "./source-options.js";

interface ExplainOptions extends SourceOptions {
  json?: boolean;
}

export function register(program: Command): void {
  addSourceOptions(
    program
      .command("explain")
      .argument("<object>", "display id (container/frontend.container), bare name, or suffix")
      .description(
        "explain one object: sources per layer, effective content, semantic diff, dependencies, implied action",
      ),
  )
    .option("--json", "print the explain view model as one JSON document")
    .action(async (object: string, opts: ExplainOptions) => {
      const source = await resolveSource(opts, process.env, { revisionFromState: true });
      try {
        const plan = await planHost({
          ...planInputOf(source),
          sourceKind: source.stateMode === "tracked" ? "state" : undefined,
        });
        const view = explainObject(plan, object);
        view.notes.push(...source.notes);
        if (opts.json) printJson(view);
        else printText(renderExplain(view));
      } finally {
        await source.cleanup();
      }
    });
}
