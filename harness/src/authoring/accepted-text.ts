/**
 * The promoted file's text: the candidate's text with its top-level `source: candidate` line turned into
 * `source: accepted` — comments, order and formatting of the reviewed file stay as the author left them.
 * Pure; throws when the line is not there (the loader guarantees it for a loaded candidate).
 */
export function acceptedText(candidateText: string): string {
  const pattern = /^source:[ \t]*["']?candidate["']?[ \t]*(#.*)?$/m;
  if (!pattern.test(candidateText))
    throw new Error("the candidate has no top-level `source: candidate` line");
  return candidateText.replace(pattern, (_line, comment: string | undefined) =>
    comment === undefined ? "source: accepted" : `source: accepted ${comment}`,
  );
}
