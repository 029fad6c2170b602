/**
 * Redaction of an Ignition config that stays a valid config (it must still pass `ignition-validate`): a
 * file or resource whose payload carries a secret gets a placeholder `data:` URL instead of its source
 * (its `compression` and `verification` go with it, they described the old payload); every other string is
 * redacted as text. A document that is not JSON is redacted as text. Pure.
 */
import { gunzipSync } from "node:zlib";
import type { Redactor } from "./redactor.js";

/** What a redacted payload becomes: a valid data URL whose content says `[REDACTED]`. */
export const REDACTED_DATA_URL = "data:,%5BREDACTED%5D";

/** The payload of a `data:` URL as text, or undefined when `source` is none. */
export function dataUrlPayload(source: string, gzip: boolean): string | undefined {
  const m = /^data:([^,]*),(.*)$/s.exec(source);
  if (m === null) return undefined;
  const params = m[1] ?? "";
  const body = m[2] ?? "";
  let bytes: Buffer;
  try {
    bytes = params.split(";").includes("base64")
      ? Buffer.from(decodeURIComponent(body), "base64")
      : Buffer.from(decodeURIComponent(body), "latin1");
  } catch {
    return undefined;
  }
  if (gzip) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      // not gzip after all: look at the bytes as they are
    }
  }
  return bytes.toString("utf8");
}

function redactValue(value: unknown, redactor: Redactor): unknown {
  if (typeof value === "string") return redactor.text(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redactor));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const source = object.source;
  const secretPayload =
    typeof source === "string" &&
    (redactor.finds(source) || redactor.finds(dataUrlPayload(source, object.compression === "gzip") ?? ""));
  for (const [key, v] of Object.entries(object)) {
    if (secretPayload && (key === "compression" || key === "verification")) continue;
    out[key] = secretPayload && key === "source" ? REDACTED_DATA_URL : redactValue(v, redactor);
  }
  return out;
}

export function redactIgnitionText(text: string, redactor: Redactor): string {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    return redactor.text(text);
  }
  const out = `${JSON.stringify(redactValue(config, redactor), null, 2)}\n`;
  // Belt and braces: nothing the walk left may carry a secret; a no-op on a walked config.
  return redactor.text(out);
}
