/**
 * The character streams in which a secret can stand in a text once the text is made searchable
 * (`searchable.ts` removes whitespace and decodes JSON escapes and percent-encoding). Any long enough
 * fragment of one of these streams in a text is this secret leaking:
 *
 * - the secret itself, whitespace removed (a PEM key body is one stream however it is wrapped);
 * - its base64 at each of the three byte alignments, cut to the characters that depend on the secret alone,
 *   so it is found inside a larger base64 blob too (an Ignition `data:;base64,` file, a `base64` of a file
 *   holding it), also in the URL-safe alphabet;
 * - the base64 of those base64 texts (a base64 of an Ignition config that carries it as a data URL).
 *
 * Pure.
 */

const WHITESPACE = /\s+/g;

/** The base64 characters of `bytes` that do not depend on what precedes or follows them, per alignment. */
function base64Interiors(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const from = Math.ceil((offset * 8) / 6);
    const to = Math.floor(((offset + bytes.length) * 8) / 6);
    out.push(encoded.slice(from, to));
  }
  return out;
}

function urlSafe(b64: string): string {
  return b64.replaceAll("+", "-").replaceAll("/", "_");
}

export function secretStreams(secret: string): string[] {
  const streams = new Set<string>();
  streams.add(secret.replace(WHITESPACE, ""));
  const once = base64Interiors(Buffer.from(secret, "utf8"));
  for (const b64 of once) {
    streams.add(b64);
    streams.add(urlSafe(b64));
    for (const twice of base64Interiors(Buffer.from(b64, "latin1"))) streams.add(twice);
  }
  return [...streams].filter((s) => s.length > 0).sort();
}
