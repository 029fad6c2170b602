/** `core-ops plan`: read-only three-way plan of the host against the desired state. */
import type { Command } from "commander";
import { usageError } from "../errors.js";
import { planHost } from "../plan/plan-host.js";
import { retryPolicyFromEnv } from "../state/quarantine.js";
import { renderPlan } from "../views/render-plan.js";
import type { ExitCodeRequest } from "./exit-code.js";
import { printJson, printText } from "./output.js";
import { addSourceOptions, planInputOf, resolveSource, type SourceOptions } from "./source-options.js";

interface PlanOptions extends SourceOptions {
  json?: boolean;
  deleteEdited?: boolean;
  detailedExitcode?: boolean;
  verbose?: boolean;
}

export function register(program: Command, exit: ExitCodeRequest): void {
  addSourceOptions(
    program
      .command("plan")
      .description("show what apply would change (read-only; never writes state or host files)"),
  )
    .option("--json", "print the plan view model as one JSON document")
    .option(
      "--detailed-exitcode",
      "exit 0 when nothing changes, 2 when changes (or blocked objects) are pending",
    )
    .option("-v, --verbose", "list unchanged objects and show semantic diffs")
    .option(
      "--delete-edited",
      "plan as apply --delete-edited would: delete edited objects that are no longer desired",
    )
    .action(async (opts: PlanOptions) => {
      if (opts.json && opts.verbose) throw usageError("--json and --verbose cannot be combined");
      const source = await resolveSource(opts, process.env);
      try {
        const plan = await planHost({
          ...planInputOf(source),
          deleteEdited: Boolean(opts.deleteEdited),
          admission: { retryPolicy: retryPolicyFromEnv(process.env) },
        });
        if (opts.json) printJson(plan.view);
        else printText(renderPlan(plan.view, { verbose: opts.verbose ?? false }));
        const pending = plan.view.summary.changed_count + plan.view.summary.blocked_count;
        if (opts.detailedExitcode && pending > 0) exit.request(2);
      } finally {
        await source.cleanup();
      }
    });
}
