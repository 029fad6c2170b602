// What house-lint reads from one source file, through the TypeScript compiler API (no regular expressions
// over code): its functions with their line spans and size markers, its comments, its imports.
// Pure: takes the file's text, returns plain records. The rules are in the sibling modules; the marker
// syntax and the rules are documented in ARCHITECTURE.md "House rules checked by `npm run lint`".
import ts from "typescript";

/** A comment line `// size: <reason>` exempts the file (in its leading comments) or the function below. */
const SIZE_MARKER = /^\/\/\s*size:\s*(\S.*)$/;

/** @param {string} path @param {string} text */
export function parseSource(path, text) {
  const kind = /\.(m|c)?js$/.test(path) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
}

/** 1-based line of a position. */
function lineOf(sf, pos) {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/** The reason of a `// size:` comment among the comments in front of `pos`, if there is one. */
function sizeMarkerAt(text, pos) {
  for (const range of ts.getLeadingCommentRanges(text, pos) ?? []) {
    const match = SIZE_MARKER.exec(text.slice(range.pos, range.end).trim());
    if (match) return match[1].trim();
  }
  return undefined;
}

/** The file's own `// size:` reason: a marker among the comments before its first statement. */
export function fileSizeMarker(sf) {
  const text = sf.getFullText();
  const start = ts.getShebang(text)?.length ?? 0;
  return sizeMarkerAt(text, start);
}

const FUNCTION_KINDS = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/** Nodes a function expression hangs from whose leading comments are the function's header. */
const HOST_KINDS = new Set([
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.VariableDeclarationList,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.ExportAssignment,
]);

function nameText(sf, name) {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText(sf);
}

function className(node) {
  const owner = node.parent;
  if (owner && ts.isClassLike(owner)) return owner.name?.text ?? "(class)";
  return undefined;
}

/** A stable, human name for a function: `name`, `Class.method`, or `(callback of f)` for an argument. */
function functionName(sf, node) {
  if (ts.isConstructorDeclaration(node)) return `${className(node) ?? "(class)"}.constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    const owner = className(node);
    const name = nameText(sf, node.name);
    return owner ? `${owner}.${name}` : name;
  }
  if (node.name) return nameText(sf, node.name);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return nameText(sf, parent.name);
  if (ts.isExportAssignment(parent)) return "(default export)";
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent))
    return `(callback of ${parent.expression.getText(sf)})`;
  return "(anonymous)";
}

/**
 * Every function with its 1-based first and last line (its header comments excluded) and the reason of a
 * `// size:` marker in the comments directly in front of it (or of the declaration it initializes).
 */
export function functionsOf(sf) {
  const text = sf.getFullText();
  const found = [];
  const visit = (node) => {
    if (FUNCTION_KINDS.has(node.kind) && node.body) {
      let host = node;
      while (host.parent && HOST_KINDS.has(host.parent.kind)) host = host.parent;
      found.push({
        name: functionName(sf, node),
        startLine: lineOf(sf, node.getStart(sf)),
        endLine: lineOf(sf, node.getEnd()),
        marker: sizeMarkerAt(text, host.getFullStart()),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Every comment of the file as `{ line, text }` (line of the comment's start), found token by token. */
export function commentsOf(sf) {
  const text = sf.getFullText();
  const seen = new Set();
  const comments = [];
  // Trivia before a token holds the previous line's trailing comments, then the token's leading ones.
  const collect = (pos) => {
    const ranges = [
      ...(ts.getTrailingCommentRanges(text, pos) ?? []),
      ...(ts.getLeadingCommentRanges(text, pos) ?? []),
    ];
    for (const range of ranges) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      comments.push({ line: lineOf(sf, range.pos), text: text.slice(range.pos, range.end) });
    }
  };
  const visit = (node) => {
    const children = node.getChildren(sf);
    if (children.length === 0) collect(node.pos);
    for (const child of children) visit(child);
  };
  visit(sf);
  collect(sf.endOfFileToken.pos);
  return comments.sort((a, b) => a.line - b.line);
}

/** Module specifiers this file imports or re-exports (static and literal dynamic imports), with lines. */
export function importsOf(sf) {
  const imports = [];
  const add = (literal) => {
    if (literal && ts.isStringLiteralLike(literal))
      imports.push({ specifier: literal.text, line: lineOf(sf, literal.getStart(sf)) });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return imports;
}
