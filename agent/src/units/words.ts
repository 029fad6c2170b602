/**
 * Splitting a unit-file value into words the way systemd's `extract_first_word` (and Podman's
 * `LookupAllArgs`) do for list values: words separated by blanks, `"double"` and `'single'` quotes
 * group (quotes removed), a backslash escapes the next character outside single quotes.
 * Used where a value names several paths (`EnvironmentFile=a b`); not a full C-escape decoder.
 */
export function splitWords(value: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"' && i + 1 < value.length) current += value.charAt(++i);
      else current += ch;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "\\" && i + 1 < value.length) current += value.charAt(++i);
    else current += ch;
  }
  if (inWord) words.push(current);
  return words;
}

/** Split a comma-separated `key=value` list with `"`-quoting (Podman's `Mount=` CSV). */
export function splitCsv(value: string): string[] {
  const fields: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (ch === '"') {
      if (quoted && value.charAt(i + 1) === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === "," && !quoted) {
      fields.push(current);
      current = "";
    } else current += ch;
  }
  fields.push(current);
  return fields;
}
