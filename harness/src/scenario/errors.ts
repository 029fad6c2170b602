/**
 * Errors of scenario files: each names the file, the YAML line and column, the field, what is wrong and
 * what to do, and renders the same way in the CLI and in Vitest (`file:line:col field: message (hint)`).
 */

export interface ScenarioProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted field path, e.g. `steps[2].action.revision`. */
  field: string;
  message: string;
  hint?: string;
}

export function renderProblem(p: ScenarioProblem): string {
  const field = p.field === "" ? "" : ` ${p.field}:`;
  const hint = p.hint === undefined ? "" : ` (${p.hint})`;
  return `${p.file}:${p.line}:${p.column}${field} ${p.message}${hint}`;
}

/** The scenario file is invalid; the scenario author is at fault. */
export class ScenarioLoadError extends Error {
  override readonly name = "ScenarioLoadError";
  constructor(
    readonly file: string,
    readonly problems: ScenarioProblem[],
  ) {
    super(
      `invalid scenario ${file} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
        .map((p) => `  ${renderProblem(p)}`)
        .join("\n")}`,
    );
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}
