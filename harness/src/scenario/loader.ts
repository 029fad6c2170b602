/**
 * Loads a scenario file: YAML with positions (`yaml` + LineCounter), then the zod schema, then the
 * cross-field rules. Every problem is reported with file, line, column and field — all at once, not the
 * first only — so an author fixes a file in one pass.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { findRepoRoot } from "../repo-root.js";
import { fieldPath, ScenarioLoadError, type ScenarioProblem } from "./errors.js";
import { fixtureIssues } from "./fixture-rules.js";
import { type Scenario, ScenarioSchema } from "./schema.js";
import { type RuleIssue, validateScenarioRules } from "./validate.js";

export interface LoadedScenario {
  scenario: Scenario;
  /** The file as written (for the bundle's scenario-definition.txt). */
  text: string;
  file: string;
}

type YamlDoc = ReturnType<typeof parseDocument>;

/** The node at `path`, or the deepest existing ancestor when the path leads to a missing key. */
function locate(doc: YamlDoc, path: readonly PropertyKey[], unknownKey?: string): Node | undefined {
  let node: unknown = doc.contents;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === part);
      if (!pair || !isNode(pair.value)) return node as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof part === "number" && isNode(node.items[part])) {
      node = node.items[part];
    } else break;
  }
  if (unknownKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === unknownKey);
    if (pair && isNode(pair.key)) return pair.key;
  }
  return isNode(node) ? node : undefined;
}

function position(doc: YamlDoc, counter: LineCounter, node: Node | undefined): { line: number; col: number } {
  const offset = node?.range?.[0] ?? doc.contents?.range?.[0] ?? 0;
  return counter.linePos(offset);
}

/** What a YAML value is, in words, for "must be a string (found a list)". */
function kindOf(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value;
}

const EXPECTED: Record<string, string> = { object: "mapping", array: "list" };

function describeIssue(issue: z.core.$ZodIssue): { message: string; hint?: string } {
  switch (issue.code) {
    case "invalid_value":
      return {
        message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        hint: "see harness/scenario.schema.json",
      };
    case "invalid_union":
      if ("discriminator" in issue && issue.discriminator) {
        return { message: `unknown ${issue.discriminator}`, hint: "see harness/scenario.schema.json" };
      }
      return { message: issue.message };
    case "invalid_type":
      // Issues carry their input (`reportInput`): undefined only when the key is absent.
      return issue.input === undefined
        ? { message: "is required but missing" }
        : {
            message: `must be ${issue.path.length === 0 ? "a mapping of scenario fields" : `a ${EXPECTED[issue.expected] ?? issue.expected}`} (found ${kindOf(issue.input)})`,
          };
    default:
      return { message: issue.message };
  }
}

/** Alias expansions allowed in a scenario file (the `yaml` default); beyond it the file is rejected. */
const MAX_ALIAS_COUNT = 100;

export interface ParseOptions {
  /**
   * `repos/` of the checkout: when given, the fixture directories are checked against the file system
   * (below `repos/` after symlinks, present when materialized). `loadScenarioFile` always gives it.
   */
  reposRoot?: string;
}

/** Parses and validates scenario text; throws `ScenarioLoadError` listing every problem. */
export function parseScenario(text: string, file: string, options: ParseOptions = {}): LoadedScenario {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const at: Source = { doc, counter, file };
  if (doc.errors.length > 0) throw new ScenarioLoadError(file, yamlProblems(at));
  const result = ScenarioSchema.safeParse(plainValue(at), { reportInput: true });
  if (!result.success)
    throw new ScenarioLoadError(file, sortProblems(schemaProblems(at, result.error.issues)));
  const rules: RuleIssue[] = [
    ...validateScenarioRules(result.data),
    ...(options.reposRoot === undefined ? [] : fixtureIssues(result.data, options.reposRoot)),
  ];
  if (rules.length > 0) throw new ScenarioLoadError(file, sortProblems(rules.map((r) => ruleProblem(at, r))));
  return { scenario: result.data, text, file };
}

/** The parsed document, where its positions come from, and its file name: what a problem is located in. */
interface Source {
  doc: YamlDoc;
  counter: LineCounter;
  file: string;
}

/** YAML syntax errors (a duplicate key included), each at its position. */
function yamlProblems({ doc, counter, file }: Source): ScenarioProblem[] {
  return doc.errors.map((e) => {
    const pos = counter.linePos(e.pos[0]);
    return { file, line: pos.line, column: pos.col, field: "", message: e.message.split("\n")[0] ?? "" };
  });
}

/** The document as plain values; an alias bomb is a problem at the first alias. */
function plainValue({ doc, counter, file }: Source): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // `yaml` throws when aliases expand beyond maxAliasCount (an alias bomb).
    let alias: Node | undefined;
    visit(doc, {
      Alias(_, node) {
        alias = node;
        return visit.BREAK;
      },
    });
    const pos = position(doc, counter, alias);
    throw new ScenarioLoadError(file, [
      {
        file,
        line: pos.line,
        column: pos.col,
        field: "",
        message: `YAML aliases cannot be expanded: ${(err as Error).message.split("\n")[0] ?? ""}`,
        hint: "write the values out instead of nesting anchors and aliases",
      },
    ]);
  }
}

/** The schema's issues, one problem per unknown key. */
function schemaProblems({ doc, counter, file }: Source, issues: z.core.$ZodIssue[]): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  for (const issue of issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    for (const key of keys) {
      const pos = position(doc, counter, locate(doc, issue.path, key));
      const field = fieldPath(key === undefined ? issue.path : [...issue.path, key]);
      const described =
        key === undefined
          ? describeIssue(issue)
          : {
              message: "is not a known field",
              hint: "check the spelling against harness/scenario.schema.json",
            };
      problems.push({ file, line: pos.line, column: pos.col, field, ...described });
    }
  }
  return problems;
}

function ruleProblem({ doc, counter, file }: Source, r: RuleIssue): ScenarioProblem {
  const pos = position(doc, counter, locate(doc, r.path));
  return {
    file,
    line: pos.line,
    column: pos.col,
    field: fieldPath(r.path),
    message: r.message,
    hint: r.hint,
  };
}

function sortProblems(problems: ScenarioProblem[]): ScenarioProblem[] {
  return [...problems].sort(
    (a, b) => a.line - b.line || a.column - b.column || a.field.localeCompare(b.field),
  );
}

/** Reads and parses a scenario file; the fixtures are checked against `repos/` of this checkout by default. */
export async function loadScenarioFile(file: string, options: ParseOptions = {}): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ScenarioLoadError(file, [
      {
        file,
        line: 1,
        column: 1,
        field: "",
        message: `cannot read the file: ${(err as Error).message}`,
        hint: "check the path given to --scenario",
      },
    ]);
  }
  return parseScenario(text, file, { reposRoot: options.reposRoot ?? join(findRepoRoot(), "repos") });
}
