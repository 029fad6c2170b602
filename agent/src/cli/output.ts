/** The one place the plan/explain/status CLIs write to stdout: exactly one JSON document, or text. */
export function printJson(view: unknown): void {
  process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
}

export function printText(text: string): void {
  process.stdout.write(text);
}
