/** Revision rendering: immutable revision first, requested ref second — `454ac5f1 (demo-uat-v1)`. */
export function formatRevision(revision: string | null, ref: string | null): string {
  const rev = revision ? revision.slice(0, 8) : null;
  if (rev && ref && ref !== revision) return `${rev} (${ref})`;
  if (rev) return rev;
  if (ref) return `(${ref})`;
  return "(unversioned directory)";
}
