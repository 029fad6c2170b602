/**
 * The promoted file's text: the candidate's text with its top-level `source: candidate` line turned into
 * `source: accepted`, and the generator's "Review it, run it, then promote it" comment saying it was promoted
 * — other comments, order and formatting of the reviewed file stay as the author left them. Pure; throws
 * when the source line is not there (the loader guarantees it for a loaded candidate).
 */
const TODO_COMMENT = /^# Review it, run it .*then promote it.*$/m;
const PROMOTED_COMMENT =
  "# Reviewed, run and promoted by core-ops-verify promote (its history is in the envelope).";

export function acceptedText(candidateText: string): string {
  const pattern = /^source:[ \t]*["']?candidate["']?[ \t]*(#.*)?$/m;
  if (!pattern.test(candidateText))
    throw new Error("the candidate has no top-level `source: candidate` line");
  return candidateText
    .replace(TODO_COMMENT, PROMOTED_COMMENT)
    .replace(pattern, (_line, comment: string | undefined) =>
      comment === undefined ? "source: accepted" : `source: accepted ${comment}`,
    );
}
