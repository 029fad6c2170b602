/**
 * Fuzz: hostile scenario documents (wrong types, missing and unknown fields, odd values, broken YAML, alias
 * bombs, BOM, CRLF, truncation) through the loader, as real files. Every document is either rejected with a
 * `ScenarioLoadError` whose problems all name the file, a line and what is wrong — or loaded, and then the
 * run can use it: its timeouts are positive and bounded, its regexes compile, its JSON paths parse and its
 * fixtures are below repos/. Bounded to a few seconds.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { MAX_DURATION_MS } from "./duration.js";
import { ScenarioLoadError } from "./errors.js";
import { checkFixturePath } from "./fixture-path.js";
import { parseJsonPath } from "./json-path.js";
import { loadScenarioFile } from "./loader.js";
import { resolvePolicy } from "./profiles.js";

const BASE = {
  scenario_id: "verify-fuzz",
  title: "Fuzz",
  description: "A fuzzed scenario.",
  scenario_classes: ["idempotency"],
  source: "accepted",
  behavioral_claim: "claim",
  rationale: "why",
  host: "verify-host",
  environment: { profile: "single-blessed-vm", overrides: { vcpus: 2 } },
  fixtures: {
    repo_fixture: "hist",
    repository_evolution: { history_fixture: "hist", revisions: ["v1", "v2"] },
    revision_under_test: "v1",
  },
  steps: [
    { step_id: "init-v1", step_type: "coreops_action", action: { action: "init", revision: "v1" } },
    {
      step_id: "apply",
      step_type: "coreops_action",
      action: { action: "apply", mode: "json" },
      timeout_override: "90s",
    },
    { step_id: "probe", step_type: "guest_command", command: "true", retry_until: 30 },
  ],
  assertions: [
    {
      assertion_id: "a1",
      assertion_type: "json_path",
      target: "apply",
      path: "outcome",
      matches: "^converged",
    },
    { assertion_id: "a2", assertion_type: "state_file", path: "desired_state.requested_ref", equals: "v1" },
    { assertion_id: "a3", assertion_type: "step_exit_code_is", target: "probe", expected_state: 0 },
    {
      assertion_id: "a4",
      assertion_type: "unit_state",
      unit: "x.service",
      expect: { ActiveState: "active" },
    },
  ],
  policy_overrides: { timeouts: { scenario_timeout: "20m", per_step_defaults: { boot: 60 } } },
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every path of a JSON value (objects and arrays included). */
function paths(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) out.push(...paths(x, [...at, i]));
  } else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

function setAt(doc: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(doc) && typeof head === "number") {
    const copy = [...doc];
    if (value === undefined && rest.length === 0) copy.splice(head, 1);
    else copy[head] = setAt(copy[head] ?? null, rest, value);
    return copy;
  }
  if (doc !== null && typeof doc === "object" && !Array.isArray(doc) && typeof head === "string") {
    const copy = { ...doc };
    if (value === undefined && rest.length === 0) delete copy[head];
    else copy[head] = setAt(copy[head] ?? null, rest, value);
    return copy;
  }
  return doc;
}

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    0,
    -1,
    1.5,
    86_401,
    "0",
    "0s",
    "0ms",
    "0m",
    "99999999m",
    "1s",
    "(unclosed",
    "[z-a]",
    "*",
    "a..b",
    "$[x]",
    '["a',
    "../outside",
    "/etc",
    "escape/v1",
    "hist/../../outside",
    "hist",
    "nope",
    "",
    "x".repeat(5000),
    "\u0000",
    "\ufeff",
    "init",
    "apply",
    "json_path",
    "coreops_action",
    "guest_command",
    [],
    {},
    null,
  ),
);

type Edit =
  | { kind: "set"; pick: number; value: Json }
  | { kind: "delete"; pick: number }
  | { kind: "add"; pick: number; key: string; value: Json };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("add" as const),
    pick: fc.nat(),
    key: fc.constantFrom("extra", "timeout_override", "matches", "path", "action", "command", "<<"),
    value: hostileValue,
  }),
);

type TextEdit = "none" | "bom" | "crlf" | "truncate" | "alias-bomb" | "tab-indent" | "binary";

function applyEdits(edits: Edit[]): Json {
  let doc = BASE as unknown as Json;
  for (const e of edits) {
    const all = paths(doc);
    const path = all[e.pick % all.length] ?? [];
    if (e.kind === "set") doc = setAt(doc, path, e.value);
    else if (e.kind === "delete") doc = setAt(doc, path, undefined);
    else doc = setAt(doc, [...path, e.key], e.value);
  }
  return doc;
}

function aliasBomb(): string {
  const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i <= 8; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(",")}]`,
    );
  return `${lines.join("\n")}\n`;
}

function render(doc: Json, textEdit: TextEdit, cut: number): string | Buffer {
  const text = stringify(doc);
  switch (textEdit) {
    case "bom":
      return `\ufeff${text}`;
    case "crlf":
      return text.replace(/\n/g, "\r\n");
    case "truncate":
      return text.slice(0, cut % (text.length + 1));
    case "alias-bomb":
      return `${aliasBomb()}${text}`;
    case "tab-indent":
      return text.replace(/\n {2}/g, "\n\t");
    case "binary":
      return Buffer.concat([
        Buffer.from(text.slice(0, cut % (text.length + 1))),
        Buffer.from([0xff, 0xfe, 0, 1]),
      ]);
    default:
      return text;
  }
}

/** Reads a problem's field (`a.b[0].c`) back as a path. */
function fieldToPath(field: string): Path {
  const out: Path = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    out.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? ""));
  return out;
}

function present(doc: unknown, path: Path): boolean {
  let cur: unknown = doc;
  for (const p of path) {
    if (cur === null || typeof cur !== "object" || !(p in (cur as object))) return false;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return true;
}

let dir: string;
let repos: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "core-ops-scenario-fuzz-"));
  repos = join(dir, "repos");
  mkdirSync(join(repos, "hist", "v1"), { recursive: true });
  mkdirSync(join(repos, "hist", "v2"), { recursive: true });
  mkdirSync(join(dir, "outside", "v1"), { recursive: true });
  symlinkSync(join(dir, "outside"), join(repos, "escape"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("hostile scenario documents", () => {
  it("are rejected with file, line and field, or load into something the run can use", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(edit, { maxLength: 4 }),
        fc.constantFrom<TextEdit>(
          "none",
          "none",
          "none",
          "bom",
          "crlf",
          "truncate",
          "alias-bomb",
          "tab-indent",
          "binary",
        ),
        fc.nat(),
        async (edits, textEdit, cut) => {
          const doc = applyEdits(edits);
          const file = join(dir, `s-${n++}.yaml`);
          writeFileSync(file, render(doc, textEdit, cut));
          let loaded: Awaited<ReturnType<typeof loadScenarioFile>>;
          try {
            loaded = await loadScenarioFile(file, { reposRoot: repos });
          } catch (err) {
            // Only the typed load error, with where and what for every problem.
            expect(err).toBeInstanceOf(ScenarioLoadError);
            const problems = (err as ScenarioLoadError).problems;
            expect(problems.length).toBeGreaterThan(0);
            let parsed: unknown;
            try {
              parsed = parse(String(render(doc, textEdit, cut)), { maxAliasCount: 100 });
            } catch {
              parsed = undefined;
            }
            for (const p of problems) {
              expect(p.file).toBe(file);
              expect(p.line).toBeGreaterThanOrEqual(1);
              expect(p.column).toBeGreaterThanOrEqual(1);
              expect(p.message.length).toBeGreaterThan(0);
              // A field that is there but wrong is never reported as missing.
              if (p.message === "is required but missing" && parsed !== undefined && p.field !== "")
                expect(present(parsed, fieldToPath(p.field)), `${p.field} is present`).toBe(false);
            }
            return;
          }
          // Loaded: what the run derives from it must work.
          const { scenario } = loaded;
          const { timeouts } = resolvePolicy(scenario);
          for (const ms of [
            timeouts.scenarioMs,
            timeouts.readinessMs,
            ...Object.values(timeouts.perStepMs),
          ]) {
            expect(ms).toBeGreaterThan(0);
            expect(ms).toBeLessThanOrEqual(MAX_DURATION_MS);
          }
          for (const a of scenario.assertions) {
            if ("matches" in a && a.matches !== undefined)
              expect(() => new RegExp(a.matches ?? "")).not.toThrow();
            if (a.assertion_type === "json_path" || a.assertion_type === "state_file")
              expect(() => parseJsonPath(a.path)).not.toThrow();
          }
          const evo = scenario.fixtures.repository_evolution;
          const dirs = evo
            ? evo.revisions.map((r) => `${evo.history_fixture}/${r}`)
            : [scenario.fixtures.repo_fixture];
          for (const d of dirs) expect(checkFixturePath(repos, d, true)).toMatchObject({ ok: true });
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 10_000, markInterruptAsFailure: false, endOnFailure: true },
    );
  });
});
