/**
 * The normalized behavioural claim the duplicate rule compares (scenarios/README.md, "From a spec to an
 * accepted scenario"): lowercase, every run of characters other than a–z and 0–9 becomes one space, trimmed.
 */
export function normalizeClaim(claim: string): string {
  return claim
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}
