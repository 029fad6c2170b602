/**
 * Typed errors of `core-ops-release`. Like the agent's errors, each names where (file, line, field), what is
 * wrong and what to do, and renders the same way as every other CoreOps CLI error.
 */

/** Exit codes of `core-ops-release`: 0 passed, 1 governance check failed, 2 usage or input error. */
export const ReleaseExitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ReleaseExitCodeValue = (typeof ReleaseExitCode)[keyof typeof ReleaseExitCode];

export interface ReleaseErrorDetails {
  /** Stable machine-readable kind, e.g. `fragment_front_matter_missing`, `ref_unknown`. */
  code: string;
  file?: string;
  line?: number;
  field?: string;
  hint?: string;
  exitCode?: ReleaseExitCodeValue;
}

export class ReleaseError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly hint: string | undefined;
  readonly exitCode: ReleaseExitCodeValue;

  constructor(message: string, details: ReleaseErrorDetails) {
    super(message);
    this.name = "ReleaseError";
    this.code = details.code;
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
    this.hint = details.hint;
    this.exitCode = details.exitCode ?? ReleaseExitCode.failed;
  }

  /** `file:line: message (field)` — the one-line form used inside validation reasons. */
  describe(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ""}: ` : "";
    const field = this.field ? ` (${this.field})` : "";
    const hint = this.hint ? `; ${this.hint}` : "";
    return `${where}${this.message}${field}${hint}`;
  }

  /** `error[code]: file:line: message (field)` followed by `hint: …` — the CLI rendering. */
  render(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ""}: ` : "";
    const field = this.field ? ` (${this.field})` : "";
    const hint = this.hint ? `\n  hint: ${this.hint}` : "";
    return `error[${this.code}]: ${where}${this.message}${field}${hint}`;
  }
}

export function usageError(message: string, code: string, hint?: string): ReleaseError {
  return new ReleaseError(message, { code, exitCode: ReleaseExitCode.usage, ...(hint ? { hint } : {}) });
}
