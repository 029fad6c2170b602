/**
 * Secret redaction for everything the harness writes out (bundles, logs, the rendered Ignition). A run's
 * secrets are its readiness token and private keys; Ignition may dump the whole config to the console on a
 * files-stage failure, so the encoded forms in which a secret appears inside the config are redacted too.
 */
export const REDACTED = "[REDACTED]";

/** Every form in which `secret` can appear in logs we write: raw, base64, URL-encoded, JSON-escaped. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, ...base64Forms(secret)]);
  forms.add(encodeURIComponent(secret));
  forms.add(JSON.stringify(secret).slice(1, -1));
  // Multi-line secrets (private keys) may surface line by line: redact each substantial line.
  for (const line of secret.split("\n")) {
    if (line.trim().length >= 16 && !line.startsWith("-----")) forms.add(line.trim());
  }
  return [...forms]
    .filter((form) => form.length >= 8)
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/**
 * The base64 text of `secret` wherever it sits inside a larger base64 blob (Ignition `data:;base64,` files):
 * one form per byte alignment, cut to the characters that depend on the secret alone.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: string[] = [bytes.toString("base64")];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    forms.push(encoded.slice(start, end));
  }
  return forms;
}

/** Replaces every occurrence of any form of any secret with `[REDACTED]`. Longest forms first. */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort(
    (a, b) => b.length - a.length || (a < b ? -1 : 1),
  );
  let out = text;
  for (const form of forms) out = out.split(form).join(REDACTED);
  return out;
}
