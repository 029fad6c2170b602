/**
 * Typed errors of the agent. Every error a user can cause names where (file, line, field), what is
 * wrong, and what to do; the CLI renders them the same way everywhere and maps them to exit codes.
 */

/** Exit codes (listed for operators in README.md "Quickstart"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  sourceMissing: 64,
  invalidLayout: 65,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface CoreOpsErrorDetails {
  /** Stable machine-readable kind, e.g. `host_mismatch`, `dropin_sorts_before_base`. */
  code: string;
  /** Repository-relative (or absolute) path of the file at fault, when there is one. */
  file?: string;
  /** 1-based line in `file`, when known. */
  line?: number;
  /** Field or key at fault, when known (e.g. `services[2]`, `[X-CoreOps] Foo`). */
  field?: string;
  /** What to do about it. */
  hint?: string;
  /** Exit code this error maps to. Defaults to 1. */
  exitCode?: ExitCodeValue;
  /** Other files involved (e.g. the base drop-in a host drop-in collides with). */
  related?: string[];
}

export class CoreOpsError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;
  readonly related: string[];

  constructor(message: string, details: CoreOpsErrorDetails) {
    super(message);
    this.name = "CoreOpsError";
    this.code = details.code;
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
    this.hint = details.hint;
    this.exitCode = details.exitCode ?? ExitCode.failure;
    this.related = details.related ?? [];
  }

  /** `file:line: message (field)` followed by `hint: …` — the one rendering used by every CLI. */
  render(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ""}: ` : "";
    const field = this.field ? ` (${this.field})` : "";
    const hint = this.hint ? `\n  hint: ${this.hint}` : "";
    return `error[${this.code}]: ${where}${this.message}${field}${hint}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      file: this.file ?? null,
      line: this.line ?? null,
      field: this.field ?? null,
      hint: this.hint ?? null,
      related: this.related,
      exit_code: this.exitCode,
    };
  }
}

/** An invalid desired-state repository (exit 65). */
export function layoutError(message: string, details: Omit<CoreOpsErrorDetails, "exitCode">): CoreOpsError {
  return new CoreOpsError(message, { ...details, exitCode: ExitCode.invalidLayout });
}

/** A usage error (exit 2). */
export function usageError(message: string, hint?: string): CoreOpsError {
  return new CoreOpsError(message, { code: "usage", exitCode: ExitCode.usage, ...(hint ? { hint } : {}) });
}
