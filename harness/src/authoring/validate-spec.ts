/**
 * `core-ops-verify validate`: the accepted corpus checked up front (corpus-check.ts), then the spec's
 * required scenario classes against what the accepted scenarios prove (coverage.ts). The result is one
 * document (`validation_result`, a zod schema) rendered as JSON or as text.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { renderProblem } from "../scenario/errors.js";
import { ScenarioClassSchema } from "../scenario/schema.js";
import { checkCorpus } from "./corpus-check.js";
import { classCoverage } from "./coverage.js";
import { displayPath } from "./generate.js";
import { parseGuidance } from "./guidance.js";

const ClassRowSchema = z.strictObject({
  scenario_class: ScenarioClassSchema,
  line: z.number().int().positive(),
  scenarios: z.array(z.string()),
});

export const ValidationResultSchema = z.strictObject({
  view_kind: z.literal("validation_result"),
  spec_path: z.string(),
  accepted_dir: z.string(),
  scenario_files: z.number().int().nonnegative(),
  /** Every problem of the corpus, rendered `file:line:col field: message (hint)`. */
  corpus_problems: z.array(z.string()),
  required_classes: z.array(ScenarioClassSchema),
  covered_classes: z.array(ClassRowSchema),
  missing_classes: z.array(ClassRowSchema),
  ok: z.boolean(),
});
export type ValidationResult = z.infer<typeof ValidationResultSchema>;

export async function validateSpec(o: {
  spec: string;
  acceptedDir: string;
  repoRoot: string;
}): Promise<ValidationResult> {
  const specPath = displayPath(o.spec, o.repoRoot);
  const guidance = parseGuidance(await readFile(o.spec, "utf8"), specPath);
  const corpus = await checkCorpus(o.acceptedDir);
  const accepted = corpus.scenarios
    .filter((s) => s.scenario.source === "accepted")
    .map((s) => ({
      file: s.file,
      scenario_id: s.scenario.scenario_id,
      scenario_classes: s.scenario.scenario_classes,
    }));
  const coverage = classCoverage(guidance.required, accepted);
  const problems = corpus.problems.map((p) => renderProblem({ ...p, file: displayPath(p.file, o.repoRoot) }));
  return ValidationResultSchema.parse({
    view_kind: "validation_result",
    spec_path: specPath,
    accepted_dir: displayPath(o.acceptedDir, o.repoRoot),
    scenario_files: corpus.files.length,
    corpus_problems: problems,
    required_classes: coverage.required,
    covered_classes: coverage.covered,
    missing_classes: coverage.missing,
    ok: problems.length === 0 && coverage.missing.length === 0,
  });
}

export function renderValidation(r: ValidationResult): string {
  const lines = [`${r.spec_path} against ${r.accepted_dir}/ (${r.scenario_files} scenario files)`];
  for (const p of r.corpus_problems) lines.push(`  error: ${p}`);
  for (const c of r.covered_classes) lines.push(`  covered  ${c.scenario_class}: ${c.scenarios.join(", ")}`);
  for (const c of r.missing_classes) {
    lines.push(`  MISSING  ${c.scenario_class} (${r.spec_path}:${c.line}): no accepted scenario proves it`);
  }
  lines.push(
    r.ok
      ? `ok: ${r.covered_classes.length}/${r.required_classes.length} required classes covered`
      : `failed: ${r.missing_classes.length} required class(es) missing, ${r.corpus_problems.length} corpus problem(s)`,
  );
  return `${lines.join("\n")}\n`;
}
