#!/usr/bin/env node
// house-lint (part of `npm run lint`): the house rules a compiler does not check — size budgets, folder
// import cycles, imports across programs, folder headers, and comments that point outside the repository.
// The rules and the `// size: <reason>` marker are described in ARCHITECTURE.md "House rules checked by
// `npm run lint`". Accepted exceptions live in scripts/house-lint-allowlist.json, each with its reason;
// an entry that no longer matches anything must be removed.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { applyAllowlist, parseAllowlist } from "./house-lint/allowlist.mjs";
import { folderHeaderFindings } from "./house-lint/folder-headers.mjs";
import {
  crossProgramFindings,
  folderCycleFindings,
  folderOf,
  resolveImport,
  rootOf,
} from "./house-lint/imports.mjs";
import { referenceFindings } from "./house-lint/references.mjs";
import { lineCount, sizeFindings } from "./house-lint/sizes.mjs";
import { commentsOf, fileSizeMarker, functionsOf, importsOf, parseSource } from "./house-lint/source.mjs";

// `--repo DIR` checks another checkout (the tests use a small one); by default this one.
const repoFlag = process.argv.indexOf("--repo");
const repo =
  repoFlag > 0 ? resolve(process.argv[repoFlag + 1]) : join(dirname(fileURLToPath(import.meta.url)), "..");
const ALLOWLIST = "scripts/house-lint-allowlist.json";
const PROGRAMS = ["agent", "harness", "release"];
const SOURCE = /\.(ts|mts|mjs|js)$/;
/** Tests and their support code: checked for references, not for sizes, not part of the import graph. */
const TEST = /(\.(test|vm)\.ts|\.test\.mjs|\.vm-setup\.ts)$|\/test-support\//;

function walk(dir) {
  const out = [];
  if (!existsSync(join(repo, dir))) return out;
  for (const name of readdirSync(join(repo, dir))) {
    if (name === "node_modules" || name === "dist") continue;
    const path = `${dir}/${name}`;
    if (statSync(join(repo, path)).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

const roots = PROGRAMS.map((program) => `${program}/src`).filter((root) => existsSync(join(repo, root)));
const programFiles = roots.flatMap(walk);
const sources = programFiles.filter((path) => SOURCE.test(path) && !path.endsWith(".d.ts"));
const known = new Set(sources);
const otherSources = [...walk("scripts"), "vitest.config.ts"].filter(
  (path) => SOURCE.test(path) && existsSync(join(repo, path)),
);

const findings = [];
const edges = [];
for (const path of [...sources, ...otherSources]) {
  const text = readFileSync(join(repo, path), "utf8");
  const sf = parseSource(path, text);
  findings.push(...referenceFindings(path, commentsOf(sf)));
  if (!known.has(path) || TEST.test(path)) continue;
  findings.push(
    ...sizeFindings({
      path,
      lines: lineCount(text),
      fileMarker: fileSizeMarker(sf),
      functions: functionsOf(sf),
    }),
  );
  for (const { specifier, line } of importsOf(sf))
    edges.push({ from: path, to: resolveImport(known, path, specifier), specifier, line });
}
findings.push(...crossProgramFindings(roots, edges), ...folderCycleFindings(roots, edges));

const folders = new Set(sources.map((path) => folderOf(roots, path)).filter((node) => !SOURCE.test(node)));
for (const folder of [...folders].sort()) {
  const readmePath = join(repo, folder, "README.md");
  const targets = new Map();
  for (const edge of edges) {
    if (edge.to === undefined || folderOf(roots, edge.from) !== folder) continue;
    const node = folderOf(roots, edge.to);
    if (node === undefined || node === folder || rootOf(roots, edge.to) !== rootOf(roots, folder)) continue;
    if (!targets.has(node)) targets.set(node, { node, at: `${edge.from}:${edge.line}` });
  }
  const readme = existsSync(readmePath) ? readFileSync(readmePath, "utf8") : undefined;
  findings.push(...folderHeaderFindings(folder, readme, [...targets.values()]));
}

let entries;
try {
  entries = parseAllowlist(JSON.parse(readFileSync(join(repo, ALLOWLIST), "utf8")), ALLOWLIST);
} catch (err) {
  process.stderr.write(`house-lint: ${err.message}\n`);
  process.exit(1);
}
const { open, accepted, stale } = applyAllowlist(entries, findings);
if (process.argv.includes("--json")) {
  // The findings the allowlist does not accept and its stale entries, for tools (exit code as below).
  process.stdout.write(`${JSON.stringify({ open, stale }, null, 2)}\n`);
  process.exit(open.length > 0 || stale.length > 0 ? 1 : 0);
}
const where = (finding) => (finding.line > 0 ? `${finding.path}:${finding.line}` : finding.path);
for (const finding of open) process.stderr.write(`${where(finding)}: [${finding.rule}] ${finding.message}\n`);
for (const entry of stale)
  process.stderr.write(
    `${ALLOWLIST}: [stale] ${entry.rule} ${entry.path ?? ""}${entry.name ? ` ${entry.name}` : ""} no longer occurs: remove this entry\n`,
  );
const summary = `house-lint: ${sources.length + otherSources.length} files, ${open.length} findings, ${accepted.length} allowlisted (${entries.length} entries), ${stale.length} stale entries`;
if (open.length > 0 || stale.length > 0) {
  process.stderr.write(
    `${summary}\n(the rules and the '// size:' marker: ARCHITECTURE.md "House rules checked by \`npm run lint\`")\n`,
  );
  process.exit(1);
}
process.stdout.write(`${summary}\n`);
