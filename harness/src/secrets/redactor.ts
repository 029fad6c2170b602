/**
 * The one redaction of the harness: everything that leaves the machine — every bundle file (the rendered
 * Ignition included), `core-ops-verify run` output, progress lines and Vitest annotations — goes through a
 * `Redactor` built from the run's secrets (readiness token, SSH host private key, client private key), which
 * exist before the guest boots. It finds a secret in every form a guest or a serializer can print it:
 * raw, base64 (wrapped at any width, inside a larger blob, URL-safe, or base64 twice), `data:` URLs
 * (base64 or percent-encoded), JSON-escaped (`\n`, `\/`, `\u002b`), split across lines, a single line of a
 * key body, and a truncated key — plus any PEM private key block, complete or cut off, whoever's it is.
 * Pure. The secrets are held in a private field, so a `Redactor` serializes to nothing.
 */
import { secretStreams } from "./forms.js";
import { GAP_LINE, GAP_NONE, type Searchable, searchable } from "./searchable.js";

export const REDACTED = "[REDACTED]";

/** Characters of a secret fragment this long identify it (96 bits of a base64 stream, 64 of a hex token). */
export const FRAGMENT_LENGTH = 16;

/** Characters a base64/hex/PEM run is made of in the searchable view (`-`/`_`: URL-safe base64). */
const RUN_CHAR = /[A-Za-z0-9+/=_-]/;
const BODY_CHAR = /[A-Za-z0-9+/=]/;
const PEM_BEGIN = /-----BEGIN[A-Z0-9]*PRIVATEKEY-----/g;
const PEM_END = /^-----END[A-Z0-9]*PRIVATEKEY-----/;

type Interval = [from: number, to: number];

export class Redactor {
  readonly #fragments: Set<string>;
  /** Streams shorter than a fragment: matched whole. */
  readonly #short: string[];

  /**
   * `secrets`: what must never be shown. `visible`: public values a secret embeds (an OpenSSH private key
   * carries its public key) that stay readable — a reader needs the host key to check the pin.
   */
  constructor(secrets: readonly string[], visible: readonly string[] = []) {
    const streams = [...new Set(secrets.filter((s) => s.trim().length >= 6).flatMap(secretStreams))];
    this.#fragments = new Set();
    this.#short = [];
    for (const stream of streams) {
      if (stream.length < FRAGMENT_LENGTH) {
        if (stream.length >= 6) this.#short.push(stream);
        continue;
      }
      for (const f of fragments(stream)) this.#fragments.add(f);
    }
    for (const stream of visible.flatMap(secretStreams)) {
      for (const f of fragments(stream)) this.#fragments.delete(f);
    }
  }

  /** `text` with every form of every secret, and every private key block, replaced by `[REDACTED]`. */
  text(text: string): string {
    const spans = this.#spans(text);
    if (spans.length === 0) return text;
    let out = "";
    let at = 0;
    for (const [from, to] of spans) {
      out += text.slice(at, from) + REDACTED;
      at = to;
    }
    return out + text.slice(at);
  }

  /** A copy of a JSON-like value with every string in it redacted. */
  strings<T>(value: T): T {
    if (typeof value === "string") return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.strings(v)) as T;
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.strings(v)])) as T;
  }

  /** Whether `text` carries any form of a secret or a private key block. */
  finds(text: string): boolean {
    return this.#spans(text).length > 0;
  }

  /** Sorted, merged original-text intervals to replace. */
  #spans(text: string): Interval[] {
    const view = searchable(text);
    const marks: Interval[] = [...privateKeyBlocks(view), ...this.#secretFragments(view)];
    if (marks.length === 0) return [];
    const spans = marks.map(([a, b]): Interval => [view.start[a] as number, view.end[b - 1] as number]);
    spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const merged: Interval[] = [];
    for (const span of spans) {
      const last = merged[merged.length - 1];
      if (last !== undefined && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
      else merged.push([span[0], span[1]]);
    }
    return merged;
  }

  /** View intervals covered by secret fragments, widened to the whole base64/hex run they sit in. */
  #secretFragments(view: Searchable): Interval[] {
    const { chars } = view;
    const hits: Interval[] = [];
    let open: Interval | undefined;
    const hit = (from: number, to: number) => {
      if (open !== undefined && from <= open[1]) {
        open[1] = Math.max(open[1], to);
      } else {
        if (open !== undefined) hits.push(open);
        open = [from, to];
      }
    };
    if (this.#fragments.size > 0) {
      for (let i = 0; i + FRAGMENT_LENGTH <= chars.length; i++) {
        if (this.#fragments.has(chars.slice(i, i + FRAGMENT_LENGTH))) hit(i, i + FRAGMENT_LENGTH);
      }
    }
    if (open !== undefined) hits.push(open);
    for (const s of this.#short) {
      for (let i = chars.indexOf(s); i >= 0; i = chars.indexOf(s, i + 1)) hits.push([i, i + s.length]);
    }
    return hits.map(([from, to]) => widen(view, from, to));
  }
}

function fragments(stream: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + FRAGMENT_LENGTH <= stream.length; i++) out.push(stream.slice(i, i + FRAGMENT_LENGTH));
  return out;
}

/** Widens [from, to) over adjacent run characters, never across a space or line break. */
function widen(view: Searchable, from: number, to: number): Interval {
  const { chars, gap } = view;
  let a = from;
  while (a > 0 && gap[a] === GAP_NONE && RUN_CHAR.test(chars[a - 1] as string) && chars[a - 1] !== "=") a--;
  let b = to;
  while (b < chars.length && gap[b] === GAP_NONE && RUN_CHAR.test(chars[b] as string)) b++;
  return [a, b];
}

/**
 * `-----BEGIN … PRIVATE KEY-----` with the whole lines of key body after it and the END line when there is
 * one (a key cut off by a console or a log is still a key). In the view, spaces inside the markers are gone.
 */
function privateKeyBlocks(view: Searchable): Interval[] {
  const { chars, gap } = view;
  const blocks: Interval[] = [];
  for (const m of chars.matchAll(PEM_BEGIN)) {
    let end = m.index + m[0].length;
    for (;;) {
      const footer = PEM_END.exec(chars.slice(end, end + 64));
      if (footer !== null) {
        end += footer[0].length;
        break;
      }
      // One body line: starts after a line break and runs to the next line break (or the end).
      if (end >= chars.length || gap[end] !== GAP_LINE) break;
      let b = end;
      while (b < chars.length && BODY_CHAR.test(chars[b] as string) && (b === end || gap[b] === GAP_NONE))
        b++;
      // The line must end there: at a line break, the end, or a character no key body has (`"`, `[`).
      const next = chars[b];
      const endsLine =
        next === undefined || gap[b] === GAP_LINE || (gap[b] === GAP_NONE && !RUN_CHAR.test(next));
      if (b === end || !endsLine) break;
      end = b;
    }
    blocks.push([m.index, end]);
  }
  return blocks;
}
