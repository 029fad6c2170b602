/**
 * Gathers what `validateChangeSet` needs from git: the range (base..head, base..working tree, or without refs
 * HEAD..working tree, else HEAD~1..HEAD), the changed paths, the manifests at both ends, CHANGELOG.md and the
 * changed fragments.
 */
import { usageError } from "./errors.js";
import { isChangedFragment, isFragmentPath } from "./fragment.js";
import type { ReleaseGit } from "./git.js";
import { MANIFESTS } from "./path-rules.js";
import type { ValidationInput } from "./validate.js";

export interface RangeOptions {
  baseRef?: string | undefined;
  headRef?: string | undefined;
}

/**
 * With `baseRef` and `headRef`: the changes from their merge base to head (a pull request's diff; equal to
 * base..head when base is an ancestor of head). With `baseRef` only: from the merge base of base and HEAD to the
 * working tree, plus untracked files. With neither: HEAD to the working tree plus untracked files, or HEAD~1..HEAD
 * when that is empty.
 */
export async function collectValidationInput(git: ReleaseGit, opts: RangeOptions): Promise<ValidationInput> {
  if (opts.headRef !== undefined && opts.baseRef === undefined) {
    throw usageError(
      "--head-ref requires --base-ref",
      "usage",
      "pass --base-ref too, e.g. --base-ref origin/main",
    );
  }
  let baseRef: string | null = opts.baseRef ?? null;
  let headRef: string | null = opts.headRef ?? null;
  let base: string;
  let head: string | null = null;
  let changes: Awaited<ReturnType<ReleaseGit["changes"]>>;
  if (baseRef !== null) {
    const baseCommit = await git.resolveCommit(baseRef);
    head = headRef !== null ? await git.resolveCommit(headRef) : null;
    base = await git.mergeBase(baseCommit, head ?? (await git.resolveCommit("HEAD")));
    changes = await git.changes(base, head);
  } else {
    base = await git.resolveCommit("HEAD");
    changes = await git.changes(base, null);
    if (changes.length === 0 && (await git.hasCommit("HEAD~1"))) {
      head = base;
      base = await git.resolveCommit("HEAD~1");
      baseRef = "HEAD~1";
      headRef = "HEAD";
      changes = await git.changes(base, head);
    } else baseRef = "HEAD";
  }

  const manifests: ValidationInput["manifests"] = {};
  for (const m of MANIFESTS) {
    manifests[m] = { before: await git.readFile(base, m), after: await git.readFile(head, m) };
  }
  const fragmentTexts: ValidationInput["fragmentTexts"] = [];
  for (const c of changes) {
    if (!isChangedFragment(c)) continue;
    const text = await git.readFile(head, c.path);
    if (text !== undefined) fragmentTexts.push({ path: c.path, text });
  }
  const pendingFragmentTexts: ValidationInput["pendingFragmentTexts"] = [];
  for (const name of (await git.listDirectory(head, "changes")).sort()) {
    const p = `changes/${name}`;
    if (!isFragmentPath(p)) continue;
    const text = await git.readFile(head, p);
    if (text !== undefined) pendingFragmentTexts.push({ path: p, text });
  }
  return {
    pendingFragmentTexts,
    range: { base_ref: baseRef, base_commit: base, head_ref: headRef, head_commit: head },
    changes,
    manifests,
    changelogAfter: await git.readFile(head, "CHANGELOG.md"),
    fragmentTexts,
  };
}
