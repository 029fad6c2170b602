// house-lint as a real process on a small checkout in a temp dir: the file walk, the import graph, the
// folder headers and the allowlist together.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "house-lint.mjs");
let repo;

function tree(files) {
  repo = mkdtempSync(join(tmpdir(), "house-lint-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
}

function lint() {
  const run = spawnSync(process.execPath, [CLI, "--repo", repo, "--json"], { encoding: "utf8" });
  return { status: run.status, ...JSON.parse(run.stdout) };
}

const header = (may) => `# x\n\nOwns: something.\n\nMay import: ${may}.\n`;
const clean = {
  "scripts/house-lint-allowlist.json": '{ "entries": [] }\n',
  "agent/src/errors.ts": "/** Errors (README.md). */\nexport const E = 1;\n",
  "agent/src/plan/README.md": header("`errors.ts`"),
  "agent/src/plan/a.ts": 'import { E } from "../errors.js";\nexport const A = E;\n',
  "agent/src/views/README.md": header("`plan`"),
  "agent/src/views/v.ts": 'import { A } from "../plan/a.js";\nexport const V = A;\n',
  // A test is not part of the import graph: this import would otherwise close a cycle plan → views → plan.
  "agent/src/plan/a.test.ts": 'import { V } from "../views/v.js";\nexport const T = V;\n',
  "harness/src/run/README.md": header("nothing"),
  "harness/src/run/r.ts": "export const R = 1;\n",
};

afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe("house-lint on a checkout", () => {
  it("passes a tree that keeps the rules", () => {
    tree(clean);
    expect(lint()).toEqual({ status: 0, open: [], stale: [] });
  });

  it("reports a cycle, an undeclared import, a cross-program import and an outside reference", () => {
    tree({
      ...clean,
      "agent/src/plan/a.ts":
        'import { V } from "../views/v.js";\n// as DESIGN §3 says\nexport const A = V;\n',
      "harness/src/run/r.ts": 'import { E } from "../../../agent/src/errors.js";\nexport const R = E;\n',
    });
    const result = lint();
    expect(result.status).toBe(1);
    expect(result.open.map((f) => `${f.rule} ${f.path}:${f.line}`).sort()).toEqual([
      "cross-program harness/src/run/r.ts:1",
      "folder-cycle agent/src/plan/a.ts:1",
      "folder-cycle agent/src/views/v.ts:1",
      "folder-header agent/src/plan/README.md:5",
      "reference agent/src/plan/a.ts:2",
    ]);
  });

  it("accepts allowlisted findings and fails on a stale entry", () => {
    const long = `export function big() {\n${"  void 0;\n".repeat(61)}}\n`;
    tree({
      ...clean,
      "agent/src/plan/big.ts": long,
      "scripts/house-lint-allowlist.json": JSON.stringify({
        entries: [
          { rule: "function-size", path: "agent/src/plan/big.ts", name: "big", reason: "being split" },
          { rule: "file-size", path: "agent/src/plan/gone.ts", reason: "already split" },
        ],
      }),
    });
    const result = lint();
    expect(result.status).toBe(1);
    expect(result.open).toEqual([]);
    expect(result.stale.map((entry) => entry.path)).toEqual(["agent/src/plan/gone.ts"]);
  });
});
