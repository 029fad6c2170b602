/**
 * `core-ops-verify generate`, `validate` and `spec new`: the spec-driven authoring loop (scenarios/README.md,
 * "From a spec to an accepted scenario"). Rendering and exit codes only; the work is in `authoring/`.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { displayPath, type GeneratedCandidate, generateCandidates } from "../authoring/generate.js";
import { SpecGuidanceError } from "../authoring/guidance.js";
import { ScaffoldError, scaffoldSpec } from "../authoring/scaffold.js";
import { resolveSpecFile, SpecFileError } from "../authoring/spec-file.js";
import { renderValidation, validateSpec } from "../authoring/validate-spec.js";
import { errorText } from "../faults.js";
import { findRepoRoot } from "../repo-root.js";
import { ScenarioLoadError } from "../scenario/errors.js";

/** Exit 2 for what the author must fix in an input file, 1 for anything else. */
function fail(command: string, err: unknown): number {
  const known =
    err instanceof SpecGuidanceError ||
    err instanceof ScenarioLoadError ||
    err instanceof ScaffoldError ||
    err instanceof SpecFileError;
  process.stderr.write(`core-ops-verify ${command}: ${known ? (err as Error).message : errorText(err)}\n`);
  return known ? 2 : 1;
}

function renderGenerated(list: GeneratedCandidate[], repoRoot: string): string {
  const lines = list.map((c) => {
    const e = c.envelope;
    const i = e.generation_inputs;
    const dup = e.validation_findings.find((f) => f.code === "duplicate_accepted_coverage");
    const why = dup ? ` — ${dup.message} (${dup.related_file})` : "";
    const kept = c.action === "kept" ? " (exists, kept; --overwrite regenerates)" : "";
    return `${e.review_status.padEnd(12)} ${displayPath(c.file, repoRoot)}  ${i.scenario_class}  ${i.spec_path}:${i.spec_line}${why}${kept}`;
  });
  const rejected = list.filter((c) => c.envelope.review_status === "rejected").length;
  lines.push(`${list.length} candidate(s), ${rejected} rejected`);
  return `${lines.join("\n")}\n`;
}

function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("Write candidate scenarios (with envelopes) from a spec's Verification Guidance")
    .requiredOption("--spec <spec.md>", "the spec: specs/<feature>/spec.md or its folder")
    .option("--accepted-dir <dir>", "the accepted corpus checked for duplicates", "scenarios")
    .option("--output-dir <dir>", "where candidates are written", "generated_candidates")
    .option("--overwrite", "replace candidate files that already exist")
    .option("--json", "print the envelopes as one JSON array")
    .action(
      async (f: {
        spec: string;
        acceptedDir: string;
        outputDir: string;
        overwrite?: boolean;
        json?: boolean;
      }) => {
        const repoRoot = findRepoRoot();
        try {
          const list = await generateCandidates({
            spec: resolveSpecFile(resolve(f.spec)),
            acceptedDir: resolve(f.acceptedDir),
            outputDir: resolve(f.outputDir),
            repoRoot,
            overwrite: f.overwrite === true,
          });
          process.stdout.write(
            f.json
              ? `${JSON.stringify(
                  list.map((c) => c.envelope),
                  null,
                  2,
                )}\n`
              : renderGenerated(list, repoRoot),
          );
          process.exitCode = list.some((c) => c.envelope.review_status === "rejected") ? 1 : 0;
        } catch (err) {
          process.exitCode = fail("generate", err);
        }
      },
    );
}

function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("Check the accepted corpus up front and the spec's required scenario classes against it")
    .requiredOption("--spec <spec.md>", "the spec: specs/<feature>/spec.md or its folder")
    .option("--accepted-dir <dir>", "the accepted corpus", "scenarios")
    .option("--json", "print the validation_result document")
    .action(async (f: { spec: string; acceptedDir: string; json?: boolean }) => {
      try {
        const r = await validateSpec({
          spec: resolveSpecFile(resolve(f.spec)),
          acceptedDir: resolve(f.acceptedDir),
          repoRoot: findRepoRoot(),
        });
        process.stdout.write(f.json ? `${JSON.stringify(r, null, 2)}\n` : renderValidation(r));
        process.exitCode = r.ok ? 0 : 1;
      } catch (err) {
        process.exitCode = fail("validate", err);
      }
    });
}

export function register(program: Command): void {
  registerGenerate(program);
  registerValidate(program);
  const spec = program.command("spec").description("Specs in the Spec Kit layout (specs/<feature>/)");
  spec
    .command("new <feature>")
    .description("Scaffold specs/<feature>/ from .specify/templates/")
    .action(async (feature: string) => {
      try {
        const written = await scaffoldSpec(findRepoRoot(), feature);
        process.stdout.write(`${written.map((w) => `specs/${feature}/${w}`).join("\n")}\n`);
      } catch (err) {
        process.exitCode = fail("spec new", err);
      }
    });
}
