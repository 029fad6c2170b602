/**
 * `core-ops-verify run`: runs one scenario (`--scenario`) or the accepted corpus (`--accepted-dir`) against
 * real disposable VMs, preparing the substrate when it is missing. Progress goes to stderr; stdout carries
 * the human summary or, with `--json`, exactly one `verification_run` document. Exit 0 only for `passed`.
 */
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { type Command, Option } from "commander";
import { notAcceptedProblem } from "../authoring/accepted-only.js";
import { protectedGateRefusal } from "../environment/gate.js";
import { errorText } from "../faults.js";
import { findRepoRoot } from "../repo-root.js";
import { loadCorpus } from "../run/corpus.js";
import { executeScenario } from "../run/execute.js";
import { corpusOutcome } from "../run/outcome.js";
import { inPool } from "../run/pool.js";
import { renderRun } from "../run/render-human.js";
import { corpusRunDocument, singleRunDocument } from "../run/report.js";
import { newRunId } from "../run/run-id.js";
import { writeScenarioBundles } from "../run/scenario-bundles.js";
import { chooseHypervisor, prepareSubstrate } from "../run/substrate.js";
import type { RunMode, ScenarioRun } from "../run/types.js";
import { renderProblem, ScenarioLoadError } from "../scenario/errors.js";
import { type LoadedScenario, loadScenarioFile } from "../scenario/loader.js";

interface RunFlags {
  scenario?: string;
  acceptedDir?: string;
  scenarioId: string[];
  ci?: boolean;
  debug?: boolean;
  pauseBeforeTeardown?: boolean;
  json?: boolean;
  workspaceRoot?: string;
  artifactsDir?: string;
  verbose?: boolean;
  synthetic?: boolean;
  jobs?: string;
}

class UsageError extends Error {}

function validate(f: RunFlags): void {
  if ((f.scenario === undefined) === (f.acceptedDir === undefined)) {
    throw new UsageError("give exactly one of --scenario <file> or --accepted-dir <dir>");
  }
  if (f.scenarioId.length > 0 && f.acceptedDir === undefined)
    throw new UsageError("--scenario-id needs --accepted-dir");
  if (f.pauseBeforeTeardown && !f.debug) throw new UsageError("--pause-before-teardown needs --debug");
  if (f.pauseBeforeTeardown && (f.ci || f.acceptedDir !== undefined)) {
    throw new UsageError(
      "--pause-before-teardown is for single-scenario debug runs, not --ci or corpus runs",
    );
  }
  if (f.debug && f.ci) throw new UsageError("--debug keeps VMs and cannot be combined with --ci");
  if (f.jobs !== undefined && !/^[1-9][0-9]*$/.test(f.jobs))
    throw new UsageError(`--jobs must be a positive integer, not ${JSON.stringify(f.jobs)}`);
  if (f.synthetic && f.ci)
    throw new UsageError("--synthetic is internal test support and is refused with --ci");
  const refusal = protectedGateRefusal(process.env, {
    ci: f.ci === true,
    corpus: f.acceptedDir !== undefined,
  });
  if (refusal !== undefined) throw new UsageError(refusal);
}

function waitForEnter(prompt: string): Promise<void> {
  return new Promise((done) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(prompt, () => {
      rl.close();
      // A piped standard input (a script, a test) would otherwise keep the process alive after the run.
      process.stdin.unref();
      done();
    });
  });
}

/** The accepted corpus runs only `source: accepted` files: refused before anything boots (exit 2). */
function refuseNotAccepted(scenarios: LoadedScenario[]): void {
  const problems = scenarios.flatMap((s) => notAcceptedProblem(s) ?? []);
  if (problems.length > 0) {
    throw new UsageError(
      `refusing the corpus before any boot:\n${problems.map((p) => `  ${renderProblem(p)}`).join("\n")}`,
    );
  }
}

// size: one corpus run, step by step (load, prepare, run in a pool, index, report); each step is one call
async function runAll(f: RunFlags): Promise<number> {
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const quiet = () => undefined;
  const repoRoot = findRepoRoot();
  const mode: RunMode = f.ci ? "ci" : f.debug ? "debug" : "local";
  const scenarios: LoadedScenario[] =
    f.scenario !== undefined
      ? [await loadScenarioFile(resolve(f.scenario))]
      : await loadCorpus(resolve(f.acceptedDir ?? ""), f.scenarioId);
  if (f.acceptedDir !== undefined) refuseNotAccepted(scenarios);
  if (f.synthetic)
    progress("core-ops-verify: --synthetic: no VM, a simulated guest (internal test support only)");
  const { hypervisor, agentBinary } = await chooseHypervisor(f.synthetic === true, () =>
    prepareSubstrate(repoRoot, progress),
  );
  const corpusId = newRunId("accepted-corpus");
  const startedAt = new Date();
  const artifactsDir = resolve(f.artifactsDir ?? join(repoRoot, "artifacts"));
  const jobs = f.jobs === undefined ? 1 : Number(f.jobs);
  const runs: ScenarioRun[] = await inPool(scenarios, jobs, async (loaded) => {
    const run = await executeScenario({
      loaded,
      hypervisor,
      repoRoot,
      workspaceRoot: resolve(f.workspaceRoot ?? join(repoRoot, ".core-ops-verify", "workspace")),
      artifactsDir,
      agentBinary,
      mode,

      retain: f.debug === true,
      beforeTeardown: f.pauseBeforeTeardown
        ? async (m) => {
            const a = m.accessInfo();
            progress(
              `guest ${m.name} is up:\n  ssh: ${a.ssh}\n  console: ${a.consolePath}\n  ${a.virshConsole}`,
            );
            await waitForEnter("press Enter to tear down … ");
          }
        : undefined,
      logSink: f.verbose || !f.json ? progress : quiet,
    });
    if (!f.json) process.stdout.write(run.redactor.text(renderRun(run)));
    return run;
  });
  const bundlesIndex =
    f.acceptedDir !== undefined ? await writeScenarioBundles(artifactsDir, corpusId, runs) : undefined;
  const outcome = corpusOutcome(runs.map((r) => r.classification.outcome));
  if (f.json) {
    const doc =
      f.scenario !== undefined && runs[0] !== undefined
        ? singleRunDocument(runs[0])
        : {
            ...corpusRunDocument(corpusId, mode, runs, startedAt),
            scenario_bundles_path: bundlesIndex ?? null,
          };
    // Every run's redaction, not only the token of a run that became ready.
    const text = runs.reduce((out, r) => r.redactor.text(out), `${JSON.stringify(doc, null, 2)}\n`);
    process.stdout.write(text);
  } else if (bundlesIndex !== undefined) {
    process.stdout.write(`scenario bundles: ${bundlesIndex}\n`);
  }
  if (!f.json && runs.length > 1) {
    process.stdout.write(
      `corpus: ${outcome} (${runs.filter((r) => r.classification.outcome === "passed").length}/${runs.length} passed)\n`,
    );
  }
  return outcome === "passed" ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command("run")
    .description("Run a scenario (or the accepted corpus) against disposable VMs and write artifact bundles")
    .option("--scenario <file>", "one scenario YAML file")
    .option("--accepted-dir <dir>", "run every scenario of this directory (the accepted corpus)")
    .option(
      "--scenario-id <id>",
      "with --accepted-dir: only this scenario (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("--ci", "CI mode: no retained VMs, no prompts")
    .option("--debug", "keep the VM after the run and print how to reach it")
    .option("--pause-before-teardown", "with --debug on a single scenario: wait for Enter before teardown")
    .option("--json", "print only the verification_run JSON document on stdout")
    .option(
      "--workspace-root <dir>",
      "per-run working files (default: <checkout>/.core-ops-verify/workspace)",
    )
    .option("--artifacts-dir <dir>", "where bundles are written (default: <checkout>/artifacts)")
    .option("--jobs <n>", "with --accepted-dir: scenarios (VMs) at once (default 1)")
    .option("-v, --verbose", "more progress on stderr")
    .addOption(new Option("--synthetic").hideHelp())
    .action(async (flags: RunFlags) => {
      try {
        validate(flags);
        process.exitCode = await runAll(flags);
      } catch (err) {
        if (err instanceof UsageError) {
          process.stderr.write(`core-ops-verify run: ${err.message}\n`);
          process.exitCode = 2;
        } else if (err instanceof ScenarioLoadError) {
          process.stderr.write(`core-ops-verify run: ${err.message}\n`);
          process.exitCode = 2;
        } else {
          process.stderr.write(`core-ops-verify run: ${errorText(err)}\n`);
          process.exitCode = 1;
        }
      }
    });
}
