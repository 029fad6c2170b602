/**
 * `hosts/<host>/host.yaml`: the host's explicit, ordered service selection. The zod schema is the single
 * source of truth for the format; YAML is parsed with `yaml` so every error carries a line number.
 */
import { type Document, isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import { z } from "zod";
import { type CoreOpsError, layoutError } from "../errors.js";
import { IDENTIFIER_PATTERN } from "./names.js";

const identifier = z.string().regex(IDENTIFIER_PATTERN);

export const hostFileSchema = z
  .object({
    /** Must equal the name of the directory the file is in. */
    host: identifier,
    /** Explicit, ordered, unique selection of `services/<svc>/` directories. */
    services: z.array(identifier),
  })
  .strict();

export type HostFile = z.infer<typeof hostFileSchema>;

/** A parsed host file plus where each value sits, for later errors (unknown service, …). */
export interface ParsedHostFile extends HostFile {
  hostLine: number | undefined;
  serviceLines: (number | undefined)[];
}

/** Alias expansions allowed while reading host.yaml (the `yaml` default); beyond it the file is rejected. */
const MAX_ALIAS_COUNT = 100;

const FORMAT_HINT =
  "host.yaml holds exactly two keys, e.g.\n    host: demo-uat\n    services: [frontend, whoami]";

/**
 * Parses and validates a host file. `file` is the repository-relative path used in errors; `directoryName`
 * is the host directory's name, which `host:` must equal.
 */
export function parseHostFile(text: string, file: string, directoryName: string): ParsedHostFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lines = linesOf(doc, lineCounter);

  const syntax = doc.errors[0];
  if (syntax) {
    throw layoutError(`malformed YAML: ${firstLine(syntax.message)}`, {
      code: "host_file_yaml",
      file,
      line: lines.lineAt(syntax.pos[0]),
      hint: `fix the YAML syntax. ${FORMAT_HINT}`,
    });
  }

  const value = expandAliases(doc, file, lines);
  const result = hostFileSchema.safeParse(value);
  if (!result.success) {
    throw schemaError(result.error, file, value, lines.nodeLine, lines.keyLine);
  }
  const parsed = result.data;
  const hostLine = lines.nodeLine(["host"]);
  if (parsed.host !== directoryName) {
    throw layoutError(`host field '${parsed.host}' does not match directory '${directoryName}'`, {
      code: "host_mismatch",
      file,
      line: hostLine,
      field: "host",
      hint: `set 'host: ${directoryName}' or move the file to hosts/${parsed.host}/host.yaml`,
    });
  }
  const serviceLines = parsed.services.map((_, i) => lines.nodeLine(["services", i]));
  checkUniqueServices(parsed.services, file, serviceLines);
  return { ...parsed, hostLine, serviceLines };
}

/** Line numbers of places in the parsed document, for errors. */
interface Lines {
  lineAt: (offset: number | undefined) => number | undefined;
  /** The line of the value at `path`. */
  nodeLine: (path: readonly PropertyKey[]) => number | undefined;
  /** The line of a top-level key. */
  keyLine: (key: string) => number | undefined;
}

function linesOf(doc: Document, lineCounter: LineCounter): Lines {
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  const nodeLine = (path: readonly PropertyKey[]): number | undefined => {
    const node = doc.getIn(path as unknown[], true);
    if (node && typeof node === "object" && "range" in node) {
      const range = (node as { range?: [number, number, number] | null }).range;
      return lineAt(range?.[0]);
    }
    return undefined;
  };
  const keyLine = (key: string): number | undefined => {
    if (!isMap(doc.contents)) return undefined;
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.value === key) return lineAt(pair.key.range?.[0]);
    }
    return undefined;
  };
  return { lineAt, nodeLine, keyLine };
}

/** The document as plain values; aliases that expand too far or form a cycle are an error. */
function expandAliases(doc: Document, file: string, lines: Lines): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // `yaml` throws when aliases expand beyond maxAliasCount (an alias bomb) or form a cycle.
    let aliasOffset: number | undefined;
    visit(doc, {
      Alias(_, node) {
        aliasOffset = node.range?.[0];
        return visit.BREAK;
      },
    });
    throw layoutError(`YAML aliases cannot be expanded: ${firstLine((err as Error).message)}`, {
      code: "host_file_yaml",
      file,
      line: lines.lineAt(aliasOffset),
      hint: `host.yaml needs no anchors or aliases; write the values out. ${FORMAT_HINT}`,
    });
  }
}

function checkUniqueServices(
  services: readonly string[],
  file: string,
  serviceLines: (number | undefined)[],
): void {
  const firstSeen = new Map<string, number>();
  services.forEach((svc, i) => {
    const earlier = firstSeen.get(svc);
    if (earlier !== undefined) {
      throw layoutError(`service '${svc}' is listed twice (services[${earlier}] and services[${i}])`, {
        code: "duplicate_service",
        file,
        line: serviceLines[i],
        field: `services[${i}]`,
        hint: "list each service once; the selection is explicit, ordered and unique",
      });
    }
    firstSeen.set(svc, i);
  });
}

function schemaError(
  error: z.ZodError,
  file: string,
  value: unknown,
  nodeLine: Lines["nodeLine"],
  keyLine: Lines["keyLine"],
): CoreOpsError {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return layoutError("host file is not a YAML mapping", {
      code: "host_file_invalid",
      file,
      line: 1,
      hint: FORMAT_HINT,
    });
  }
  const issue = error.issues[0];
  if (!issue) {
    return layoutError("invalid host file", { code: "host_file_invalid", file, hint: FORMAT_HINT });
  }
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return layoutError(`unknown key '${key}'`, {
      code: "host_file_unknown_key",
      file,
      line: keyLine(key),
      field: key,
      hint: `remove it; ${FORMAT_HINT}`,
    });
  }
  return fieldError(issue, file, value as Record<string, unknown>, nodeLine, keyLine);
}

/** A key that is missing, or a value that is not a (valid) name or list of names. */
function fieldError(
  issue: z.core.$ZodIssue,
  file: string,
  value: Record<string, unknown>,
  nodeLine: Lines["nodeLine"],
  keyLine: Lines["keyLine"],
): CoreOpsError {
  const field = formatPath(issue.path);
  const [top] = issue.path;
  const present = typeof top === "string" && top in value;
  if (!present && issue.path.length === 1) {
    return layoutError(`missing required key '${field}'`, {
      code: field === "services" ? "missing_services" : "missing_host",
      file,
      line: 1,
      field,
      hint:
        field === "services"
          ? "add 'services: [...]' listing the services of this host explicitly (an empty list selects none)"
          : FORMAT_HINT,
    });
  }
  const line = nodeLine(issue.path) ?? (typeof top === "string" ? keyLine(top) : undefined);
  if (issue.code === "invalid_format") {
    return layoutError(`invalid name in '${field}': must match ${IDENTIFIER_PATTERN.source}`, {
      code: "invalid_identifier",
      file,
      line,
      field,
      hint: "names start with a letter or digit and contain only letters, digits, '.', '_' and '-'",
    });
  }
  const expected = field === "services" ? "a list of names" : "a name";
  return layoutError(`'${field}' must be ${expected}`, {
    code: "host_file_invalid",
    file,
    line,
    field,
    hint: FORMAT_HINT,
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
