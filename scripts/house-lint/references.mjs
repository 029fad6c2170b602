// Comments must point into the repository (README.md, ARCHITECTURE.md, specs/, changes/, a file), never to
// documents a reader of the repository does not have: design-document sections, research notes, the founding
// brief, outside reviews and their lessons, the program this one replaced, issues.
// Pure: takes a file's comments, returns findings.

/** Each pattern names what it catches; matched against comment text only. */
export const REFERENCE_PATTERNS = [
  { pattern: /\bDESIGN(\.md)?\s*§/, what: "a DESIGN section" },
  { pattern: /\bDESIGN(\.md)?\b/, what: "the design document (not in the repository)" },
  { pattern: /§\s*\d/, what: "a numbered section of an outside document" },
  {
    pattern:
      /\b(original-)?inventory\s*§|original-inventory|house-review|guest-recipe\.md|anchors\.md|\bresearch\//,
    what: "a research note",
  },
  {
    // The project's founding brief, named in its possessive, as a speaker, or quoted; a random or key seed
    // is not a reference (references.test.mjs has both kinds).
    pattern: /\bseed's\b|\bthe seed (wants|says|asks|requires|lists|names)\b|\bseed:\s*["“]/i,
    what: "the project's founding brief",
  },
  { pattern: /\blessons?\s+\d+|\baesthetics\b/i, what: "a numbered lesson of an outside review" },
  {
    // The program this one replaced, named as a source of rules or fields; the original text of a file is
    // not a reference (references.test.mjs has both kinds).
    pattern: /\bthe original('s\b|\s+(tool|did)\b|\s+where\b|(?=\s*[;,.)]|\s*$))/i,
    what: "the program this one replaced",
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
