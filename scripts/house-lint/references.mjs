// Comments must point into the repository (README.md, ARCHITECTURE.md, specs/, changes/, a file), never to
// documents a reader of the repository does not have: design-document sections, research notes, issues.
// Pure: takes a file's comments, returns findings.

/** Each pattern names what it catches; matched against comment text only. */
export const REFERENCE_PATTERNS = [
  { pattern: /\bDESIGN(\.md)?\s*§/, what: "a DESIGN section" },
  { pattern: /\bDESIGN(\.md)?\b/, what: "the design document (not in the repository)" },
  { pattern: /§\s*\d/, what: "a numbered section of an outside document" },
  {
    pattern: /\b(original-)?inventory\s*§|original-inventory|house-review|guest-recipe\.md/,
    what: "a research note",
  },
  { pattern: /\bissues?\s+#?\d+/i, what: "an issue" },
  { pattern: /(^|[\s(,;[])#\d+\b/, what: "an issue number" },
];

const ADVICE =
  "point to README.md, ARCHITECTURE.md, specs/ or changes/ instead, or state the reason in the comment itself";

/**
 * @param {string} path
 * @param {{ line: number, text: string }[]} comments
 */
export function referenceFindings(path, comments) {
  const findings = [];
  for (const comment of comments) {
    const lines = comment.text.split("\n");
    lines.forEach((text, offset) => {
      const hit = REFERENCE_PATTERNS.find(({ pattern }) => pattern.test(text));
      if (!hit) return;
      const quoted = text
        .trim()
        .replace(/^(\/\/+|\/\*+|\*+)\s*/, "")
        .slice(0, 80);
      findings.push({
        rule: "reference",
        path,
        line: comment.line + offset,
        message: `comment refers to ${hit.what} ("${quoted}"): ${ADVICE}`,
      });
    });
  }
  return findings;
}
