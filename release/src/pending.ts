/**
 * The pending fragments of a working tree: every `changes/<id>.md` (not README.md), parsed. A fragment that
 * does not parse stops `changelog` and `promote` with its typed error — they never write from a partial set.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { type Fragment, isFragmentPath, parseFragment } from "./fragment.js";

export interface FragmentText {
  path: string;
  text: string;
}

export async function readFragmentTexts(repoRoot: string): Promise<FragmentText[]> {
  const names = await readdir(path.join(repoRoot, "changes")).catch(() => [] as string[]);
  const out: FragmentText[] = [];
  for (const name of [...names].sort()) {
    const rel = `changes/${name}`;
    if (!isFragmentPath(rel)) continue;
    out.push({ path: rel, text: await readFile(path.join(repoRoot, rel), "utf8") });
  }
  return out;
}

/** Parses every fragment; throws the first error of the first fragment that does not parse. */
export function parseAll(texts: readonly FragmentText[]): Fragment[] {
  return texts.map(({ path: p, text }) => {
    const r = parseFragment(p, text);
    if (!r.ok) throw r.errors[0] ?? new Error(`${p}: does not parse`);
    return r.fragment;
  });
}
