/**
 * The one normalizer of the golden CLI transcripts (agent/test-fixtures/goldens/): it replaces only what
 * genuinely varies from run to run, and nothing else, so any other change in an output fails the goldens.
 *
 * - the run's temp directory → `<TMP>` (every fixture path lives under it);
 * - ISO-8601 timestamps → `<TIME>`;
 * - durations: `*_ms` JSON numbers → 0, human "N.NN s" → "<N> s";
 * - PIDs (`"pid": N`, "pid N") → `<PID>`;
 * - the running build's identity (version, revision of this checkout, its tree state) → `<VERSION>`,
 *   `<BUILD>`, `<TREE>`: a commit of this checkout must not change the goldens.
 *
 * Git revisions need no rule: the fixture commits with fixed author/committer dates, so they are stable.
 */
export interface NormalizeContext {
  tmp: string;
  build: { revision: string; version: string };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function normalizeOutput(text: string, ctx: NormalizeContext): string {
  let out = text.split(ctx.tmp).join("<TMP>");
  const rev = ctx.build.revision;
  if (rev) out = out.split(rev).join("<BUILD>").split(rev.slice(0, 8)).join("<BUILD>");
  out = out
    .replace(/("tree_state"): "(?:clean|dirty|unknown)"/g, '$1: "<TREE>"')
    .replace(/(<BUILD>\)?) (?:clean|dirty|unknown)\b/g, "$1 <TREE>");
  out = out
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g, "<TIME>")
    .replace(/("[a-z_]*_ms"): \d+(?:\.\d+)?/g, "$1: 0")
    .replace(/\b\d+\.\d\d s\b/g, "<N> s")
    .replace(/("pid"): \d+/g, "$1: <PID>")
    .replace(/\bpid \d+/g, "pid <PID>");
  return out.replace(new RegExp(`\\b${escapeRegExp(ctx.build.version)}\\b`, "g"), "<VERSION>");
}
