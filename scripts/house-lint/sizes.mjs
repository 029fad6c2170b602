// Size budgets: a source file over FILE_LINES lines or a function over FUNCTION_LINES lines needs a
// `// size: <reason>` marker (ARCHITECTURE.md "House rules checked by `npm run lint`"). Pure.

export const FILE_LINES = 400;
export const FUNCTION_LINES = 60;

/** Lines of a text as an editor numbers them (a final newline does not start a line). */
export function lineCount(text) {
  if (text === "") return 0;
  const lines = text.split("\n").length;
  return text.endsWith("\n") ? lines - 1 : lines;
}

/**
 * @param {{ path: string, lines: number, fileMarker?: string,
 *   functions: { name: string, startLine: number, endLine: number, marker?: string }[] }} file
 * @returns {{ rule: "file-size" | "function-size", path: string, line: number, name?: string, message: string }[]}
 */
export function sizeFindings(file) {
  const findings = [];
  if (file.lines > FILE_LINES && file.fileMarker === undefined)
    findings.push({
      rule: "file-size",
      path: file.path,
      line: 1,
      message: `${file.lines} lines (budget ${FILE_LINES}): split it by idea, or put '// size: <why>' in its header comment`,
    });
  for (const fn of file.functions) {
    const length = fn.endLine - fn.startLine + 1;
    if (length <= FUNCTION_LINES || fn.marker !== undefined) continue;
    findings.push({
      rule: "function-size",
      path: file.path,
      line: fn.startLine,
      name: fn.name,
      message: `function ${fn.name} has ${length} lines (budget ${FUNCTION_LINES}): split it into named steps, or put '// size: <why>' directly above it`,
    });
  }
  return findings;
}
