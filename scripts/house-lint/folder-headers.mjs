// Every top-level source folder opens with a README.md: what it owns (`Owns:`) and what it may import
// (`May import:` — the sibling folders and root files, in backticks, or "nothing"). The imports it lists
// are checked against the folder's real imports, so the header cannot drift. Pure.

const MAY_IMPORT = /^May import:(.*)$/m;

/**
 * The sibling names a header allows (`plan`, `errors.ts`), or undefined when its `May import:` line is
 * missing.
 */
export function allowedImports(readme) {
  const line = MAY_IMPORT.exec(readme);
  if (!line) return undefined;
  return new Set([...line[1].matchAll(/`([^`]+)`/g)].map((match) => match[1].replace(/\/$/, "")));
}

/**
 * @param {string} folder e.g. "agent/src/plan"
 * @param {string | undefined} readme the text of folder/README.md, undefined if there is none
 * @param {{ node: string, at: string }[]} targets sibling nodes this folder imports (same program root), with
 *   one importing file:line each
 */
export function folderHeaderFindings(folder, readme, targets) {
  const path = `${folder}/README.md`;
  const finding = (line, message) => ({ rule: "folder-header", path, line, name: folder, message });
  if (readme === undefined)
    return [finding(0, "missing: add a short README.md with 'Owns:' and 'May import:' lines")];
  const findings = [];
  if (!/^Owns:\s*\S/m.test(readme)) findings.push(finding(1, "no 'Owns:' line saying what this folder owns"));
  const allowed = allowedImports(readme);
  if (allowed === undefined)
    return [...findings, finding(1, "no 'May import:' line (sibling folders in backticks, or 'nothing')")];
  const line = readme.slice(0, MAY_IMPORT.exec(readme).index).split("\n").length;
  for (const { node, at } of targets) {
    const name = node.split("/").pop();
    if (!allowed.has(name))
      findings.push(
        finding(
          line,
          `imports \`${name}\` (${at}), which 'May import:' does not list: list it, or drop the import`,
        ),
      );
  }
  return findings;
}
