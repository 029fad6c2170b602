/**
 * `core-ops-verify promote <candidate> [--reviewed]`: runs a reviewed candidate against a real VM and moves
 * it into the accepted corpus when it passes (scenarios/README.md, step 5). Exit 0 promoted, 1 refused
 * (the reason on stderr), 2 a candidate file that does not load. The work is in `authoring/promote.ts`.
 */
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { promoteCandidate } from "../authoring/promote.js";
import { errorText } from "../faults.js";
import { findRepoRoot } from "../repo-root.js";
import { executeScenario } from "../run/execute.js";
import { prepareSubstrate } from "../run/substrate.js";
import { ScenarioLoadError } from "../scenario/errors.js";

interface PromoteFlags {
  reviewed?: boolean;
  acceptedDir: string;
  artifactsDir?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("promote <candidate>")
    .description("Run a reviewed candidate in a VM and, when it passes, move it into the accepted corpus")
    .option("--reviewed", "the author reviewed and edited the candidate (required to promote)")
    .option("--accepted-dir <dir>", "the accepted corpus", "scenarios")
    .option("--artifacts-dir <dir>", "where the run's bundle is written (default: <checkout>/artifacts)")
    .option("--json", "print the result as JSON")
    .action(async (candidate: string, f: PromoteFlags) => {
      const progress = (line: string) => process.stderr.write(`${line}\n`);
      const repoRoot = findRepoRoot();
      try {
        const result = await promoteCandidate({
          candidateFile: resolve(candidate),
          acceptedDir: resolve(f.acceptedDir),
          reviewed: f.reviewed === true,
          repoRoot: process.cwd(),
          run: async (loaded) => {
            const { hypervisor, agentBinary } = await prepareSubstrate(repoRoot, progress);
            return executeScenario({
              loaded,
              hypervisor,
              repoRoot,
              workspaceRoot: join(repoRoot, ".core-ops-verify", "workspace"),
              artifactsDir: resolve(f.artifactsDir ?? join(repoRoot, "artifacts")),
              agentBinary,
              mode: "local",
              logSink: progress,
            });
          },
        });
        if (f.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else if (result.promoted) {
          process.stdout.write(
            `promoted: ${result.target}\n  envelope: ${result.envelope}\n  bundle: ${result.bundle}\n`,
          );
        } else process.stderr.write(`core-ops-verify promote: refused: ${result.reason}\n`);
        process.exitCode = result.promoted ? 0 : 1;
      } catch (err) {
        const load = err instanceof ScenarioLoadError;
        process.stderr.write(`core-ops-verify promote: ${load ? err.message : errorText(err)}\n`);
        process.exitCode = load ? 2 : 1;
      }
    });
}
