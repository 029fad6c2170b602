/**
 * Golden files for the harness's own output (test support only). A golden is compared after `normalize`,
 * which replaces exactly what differs between two runs of the same synthetic scenario and nothing else:
 * - run ids (`run-<base36 time + 4 hex>-<scenario>`) → `run-<ID>-<scenario>`;
 * - ISO-8601 timestamps → `<TIME>`;
 * - durations: the value of every JSON key ending in `_ms` or `Ms`, ` <n> ms`, `(<n> ms)` and `<n>ms` in text → `<MS>`,
 *   and the harness log's `<n.n> s` → `<S> s`;
 * - the per-test temporary directory → `<TMP>`, this checkout → `<ROOT>`;
 * - the harness's own version (`"controller_version"`) → `<VERSION>`: a release bump is not an output change;
 * - fixture commit ids are NOT normalized: the fixture repositories are built with fixed dates and authors.
 * Golden files end in `.golden` so that no formatter touches them. `GOLDEN_UPDATE=1` rewrites the files instead of comparing (then review the diff before committing).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export function normalize(text: string, paths: { tmp: string; root: string }): string {
  return text
    .replaceAll(paths.tmp, "<TMP>")
    .replaceAll(paths.root, "<ROOT>")
    .replace(/\brun-[0-9a-z]+?[0-9a-f]{4}(?=-[a-z0-9])/g, "run-<ID>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, "<TIME>")
    .replace(/("[a-z_]*(?:_ms|Ms)": )\d+/g, "$1<MS>")
    .replace(/([( ])\d+ ms\b/g, "$1<MS> ms")
    .replace(/\b(\d+)ms\b/g, "<MS>ms")
    .replace(/\b\d+\.\d s\b/g, "<S> s")
    .replace(/("controller_version": )"[^"]*"/g, '$1"<VERSION>"');
}

/** Compares `actual` with the golden file, or rewrites it under `GOLDEN_UPDATE=1`. Returns the expected text. */
export async function golden(file: string, actual: string): Promise<string> {
  if (process.env.GOLDEN_UPDATE === "1") {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, actual);
    return actual;
  }
  return readFile(file, "utf8").catch((err: unknown) => {
    throw new Error(`cannot read the golden ${file} (write it with GOLDEN_UPDATE=1): ${String(err)}`);
  });
}
