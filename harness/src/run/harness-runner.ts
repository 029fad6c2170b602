/**
 * The run's `HarnessStepRunner`: `target: harness` steps act on this run's materialized fixture repository
 * and re-sync the guest (`fixtures/harness-operations.ts`); a revision an `add_revision` creates joins the
 * run's fixture commits, so later steps and `${fixture.<revision>}` placeholders resolve it.
 */
import { runHarnessOperation } from "../fixtures/harness-operations.js";
import type { HarnessStepRunner } from "../steps/harness-step.js";
import type { ScenarioMachine } from "../steps/verbs.js";

export function makeHarnessRunner(o: {
  vm: ScenarioMachine;
  repo: string;
  reposRoot: string;
  scratchDir: string;
  /** The run's fixture commits (appended to). */
  commits: { revision: string; commit: string }[];
  placeholders: Map<string, string>;
  resolve: (revision: string) => string;
}): HarnessStepRunner {
  return {
    run: (op, timeoutMs) =>
      runHarnessOperation(
        op,
        {
          repo: o.repo,
          reposRoot: o.reposRoot,
          scratchDir: o.scratchDir,
          resolve: o.resolve,
          revisionCount: () => o.commits.length,
          added: (revision, commit) => {
            o.commits.push({ revision, commit });
            o.placeholders.set(`fixture.${revision}`, commit);
          },
        },
        o.vm,
        timeoutMs,
      ),
  };
}
