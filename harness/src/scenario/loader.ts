/**
 * Loads a scenario file: YAML with positions (`yaml` + LineCounter), then the zod schema, then the
 * cross-field rules. Every problem is reported with file, line, column and field — all at once, not the
 * first only — so an author fixes a file in one pass.
 */
import { readFile } from "node:fs/promises";
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { fieldPath, ScenarioLoadError, type ScenarioProblem } from "./errors.js";
import { type Scenario, ScenarioSchema } from "./schema.js";
import { validateScenarioRules } from "./validate.js";

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
      return issue.input === undefined
        ? { message: "is required but missing" }
        : { message: `must be a ${issue.expected}` };
    default:
      return { message: issue.message };
  }
}

/** Parses and validates scenario text; throws `ScenarioLoadError` listing every problem. */
export function parseScenario(text: string, file: string): LoadedScenario {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioLoadError(
      file,
      doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, field: "", message: e.message.split("\n")[0] ?? "" };
      }),
    );
  }
  const result = ScenarioSchema.safeParse(doc.toJS());
  if (!result.success) {
    const problems: ScenarioProblem[] = [];
    for (const issue of result.error.issues) {
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
    throw new ScenarioLoadError(file, sortProblems(problems));
  }
  const rules = validateScenarioRules(result.data);
  if (rules.length > 0) {
    throw new ScenarioLoadError(
      file,
      sortProblems(
        rules.map((r) => {
          const pos = position(doc, counter, locate(doc, r.path));
          return {
            file,
            line: pos.line,
            column: pos.col,
            field: fieldPath(r.path),
            message: r.message,
            hint: r.hint,
          };
        }),
      ),
    );
  }
  return { scenario: result.data, text, file };
}

function sortProblems(problems: ScenarioProblem[]): ScenarioProblem[] {
  return [...problems].sort(
    (a, b) => a.line - b.line || a.column - b.column || a.field.localeCompare(b.field),
  );
}

export async function loadScenarioFile(file: string): Promise<LoadedScenario> {
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
  return parseScenario(text, file);
}
