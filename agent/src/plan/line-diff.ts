/**
 * A small unified line diff (`--- previous` / `+++ desired`) for semantic diffs of normalized text.
 * Longest-common-subsequence on the lines between the common prefix and suffix; above a size bound it
 * falls back to "all old lines removed, all new lines added" so planning stays fast on big files.
 */
const MAX_CELLS = 4_000_000;

export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function diffLines(previous: string, desired: string): DiffLine[] {
  const a = splitLines(previous);
  const b = splitLines(desired);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf])
    suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const mid: DiffLine[] = [];
  if (am.length * bm.length > MAX_CELLS) {
    for (const t of am) mid.push({ op: "-", text: t });
    for (const t of bm) mid.push({ op: "+", text: t });
  } else {
    const n = am.length;
    const m = bm.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      const row = lcs[i] as Uint32Array;
      const next = lcs[i + 1] as Uint32Array;
      for (let j = m - 1; j >= 0; j--) {
        row[j] =
          am[i] === bm[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (am[i] === bm[j]) {
        mid.push({ op: " ", text: am[i] as string });
        i++;
        j++;
      } else if (((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number)) {
        mid.push({ op: "-", text: am[i] as string });
        i++;
      } else {
        mid.push({ op: "+", text: bm[j] as string });
        j++;
      }
    }
    for (; i < n; i++) mid.push({ op: "-", text: am[i] as string });
    for (; j < m; j++) mid.push({ op: "+", text: bm[j] as string });
  }
  return [
    ...a.slice(0, pre).map((text) => ({ op: " " as const, text })),
    ...mid,
    ...a.slice(a.length - suf).map((text) => ({ op: " " as const, text })),
  ];
}

/**
 * Unified diff with `context` lines around each change; null when the texts are equal.
 * Hunk headers follow the usual `@@ -l,s +l,s @@` form.
 */
export function unifiedDiff(previous: string, desired: string, context = 3): string | null {
  if (previous === desired) return null;
  if (previous === "" || desired === "") {
    // Pure creation or deletion: one hunk, no alignment needed.
    const lines = splitLines(previous === "" ? desired : previous);
    const sign = previous === "" ? "+" : "-";
    const range = previous === "" ? `-0,0 +1,${lines.length}` : `-1,${lines.length} +0,0`;
    return `--- previous\n+++ desired\n@@ ${range} @@\n${lines.map((l) => `${sign}${l}`).join("\n")}\n`;
  }
  const lines = diffLines(previous, desired);
  const changed = lines.map((l) => l.op !== " ");
  const out: string[] = ["--- previous", "+++ desired"];
  let i = 0;
  const oldNo: number[] = [];
  const newNo: number[] = [];
  let o = 1;
  let nn = 1;
  for (const l of lines) {
    oldNo.push(o);
    newNo.push(nn);
    if (l.op !== "+") o++;
    if (l.op !== "-") nn++;
  }
  while (i < lines.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    let end = i;
    // extend the hunk while changes are within 2*context of each other
    for (;;) {
      let k = end;
      while (k < lines.length && changed[k]) k++;
      let next = k;
      while (next < lines.length && !changed[next]) next++;
      if (next < lines.length && next - k <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(lines.length, k + context);
      break;
    }
    if (start < 0) start = 0;
    const hunk = lines.slice(start, end);
    const oldCount = hunk.filter((l) => l.op !== "+").length;
    const newCount = hunk.filter((l) => l.op !== "-").length;
    const oldStart = oldCount === 0 ? (oldNo[start] as number) - 1 : (oldNo[start] as number);
    const newStart = newCount === 0 ? (newNo[start] as number) - 1 : (newNo[start] as number);
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const l of hunk) out.push(`${l.op}${l.text}`);
    i = end;
  }
  return `${out.join("\n")}\n`;
}
