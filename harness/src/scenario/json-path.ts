/**
 * A small path language into JSON documents: `summary.changed_count`, `$.actions[0].kind`,
 * `provenance["resolved-revision"]`, and a selector `entries[object.display_id=container/web.container]`
 * (the first array element whose dotted field equals the text, compared as a string). Pure.
 */
export type PathToken = string | number | { field: string[]; equals: string };

export function parseJsonPath(path: string): PathToken[] {
  const tokens: PathToken[] = [];
  const re = /\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["([^"]*)"\]|\[([A-Za-z_][A-Za-z0-9_.-]*)=([^\]]*)\]/y;
  const rest = path.startsWith("$") ? path.slice(1) : path;
  re.lastIndex = 0;
  while (re.lastIndex < rest.length) {
    const at = re.lastIndex;
    const m = re.exec(rest);
    if (!m) throw new Error(`invalid JSON path ${JSON.stringify(path)} at character ${at + 1}`);
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(Number(m[2]));
    else if (m[4] !== undefined) tokens.push({ field: m[4].split("."), equals: m[5] ?? "" });
    else tokens.push(m[3] ?? "");
  }
  return tokens;
}

export function getPath(doc: unknown, path: string): { found: boolean; value: unknown } {
  let cur: unknown = doc;
  for (const t of parseJsonPath(path)) {
    if (typeof t === "object") {
      if (!Array.isArray(cur)) return { found: false, value: undefined };
      const hit = cur.find((el) => {
        const v = t.field.reduce<unknown>(
          (o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
          el,
        );
        return v !== undefined && (typeof v === "string" ? v : JSON.stringify(v)) === t.equals;
      });
      if (hit === undefined) return { found: false, value: undefined };
      cur = hit;
    } else if (typeof t === "number" && Array.isArray(cur) && t < cur.length) cur = cur[t];
    else if (
      typeof t === "string" &&
      cur !== null &&
      typeof cur === "object" &&
      !Array.isArray(cur) &&
      t in cur
    ) {
      cur = (cur as Record<string, unknown>)[t];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: cur };
}

/** Deep equality for JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return (
      jsonEqual(ka, kb) &&
      ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

export interface ValueMatch {
  equals?: unknown;
  contains?: string;
  matches?: string;
}

/** Applies exactly one of equals / contains / matches; returns the expectation in words and the verdict. */
export function matchValue(value: unknown, m: ValueMatch): { ok: boolean; expected: string } {
  if (m.equals !== undefined)
    return { ok: jsonEqual(value, m.equals), expected: `equals ${JSON.stringify(m.equals)}` };
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (m.contains !== undefined) {
    const ok = Array.isArray(value)
      ? value.some((v) => v === m.contains || (typeof v === "string" && v.includes(m.contains ?? "")))
      : (text ?? "").includes(m.contains);
    return { ok, expected: `contains ${JSON.stringify(m.contains)}` };
  }
  if (m.matches !== undefined) {
    return { ok: new RegExp(m.matches).test(text ?? ""), expected: `matches /${m.matches}/` };
  }
  return { ok: false, expected: "(no expectation)" };
}

export function parseJsonOutput(stdout: string, what: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch (err) {
    throw new Error(`${what} is not one JSON document: ${(err as Error).message}`);
  }
}
