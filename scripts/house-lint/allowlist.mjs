// The allowlist: findings the house accepts for now, each with its reason. It may only shrink: an entry
// that matches no finding is itself an error, so a fixed file leaves the list with its fix. Pure.

export const RULES = [
  "file-size",
  "function-size",
  "folder-cycle",
  "reference",
  "cross-program",
  "folder-header",
];

/**
 * Checks the allowlist's shape; returns its entries or throws an Error naming the entry and what to do.
 * @param {unknown} document parsed JSON
 * @param {string} file the allowlist's path, for messages
 */
export function parseAllowlist(document, file) {
  if (typeof document !== "object" || document === null || !Array.isArray(document.entries))
    throw new Error(`${file}: expected an object with an "entries" array`);
  const seen = new Set();
  return document.entries.map((entry, index) => {
    const at = `${file}: entries[${index}]`;
    if (typeof entry !== "object" || entry === null) throw new Error(`${at}: expected an object`);
    if (!RULES.includes(entry.rule)) throw new Error(`${at}: "rule" must be one of ${RULES.join(", ")}`);
    if (typeof entry.reason !== "string" || entry.reason.trim() === "")
      throw new Error(`${at}: "reason" must say why this is accepted for now`);
    for (const field of ["path", "name"])
      if (entry[field] !== undefined && typeof entry[field] !== "string")
        throw new Error(`${at}: "${field}" must be a string`);
    if (entry.path === undefined && entry.name === undefined)
      throw new Error(`${at}: give "path" (file or folder) and/or "name" (function or cycle)`);
    const key = `${entry.rule}|${entry.path ?? ""}|${entry.name ?? ""}`;
    if (seen.has(key)) throw new Error(`${at}: duplicate of an earlier entry`);
    seen.add(key);
    return { rule: entry.rule, path: entry.path, name: entry.name, reason: entry.reason };
  });
}

function matches(entry, finding) {
  return (
    entry.rule === finding.rule &&
    (entry.path === undefined || entry.path === finding.path) &&
    (entry.name === undefined || entry.name === finding.name)
  );
}

/**
 * Splits findings into those the allowlist accepts and those it does not, and reports stale entries.
 * @returns {{ open: object[], accepted: object[], stale: object[] }}
 */
export function applyAllowlist(entries, findings) {
  const used = new Set();
  const open = [];
  const accepted = [];
  for (const finding of findings) {
    const entry = entries.find((candidate) => matches(candidate, finding));
    if (entry === undefined) open.push(finding);
    else {
      used.add(entry);
      accepted.push(finding);
    }
  }
  return { open, accepted, stale: entries.filter((entry) => !used.has(entry)) };
}
