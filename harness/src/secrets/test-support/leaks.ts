/**
 * A check for tests, written independently of the redactor: which secret material of a run a text still
 * reveals. It decodes rather than encodes — JSON escapes, percent-encoding, and every base64-looking run at
 * each alignment — and then looks for 16-character windows of the token and of the private key bodies (the
 * public key a private key embeds is not secret and is skipped).
 */
import type { RunSecrets } from "../../ignition/run-secrets.js";

const WINDOW = 16;

function keyBody(pem: string): string {
  return pem
    .split("\n")
    .filter((line) => !line.startsWith("-----"))
    .join("")
    .replace(/\s+/g, "");
}

function decodings(text: string): string[] {
  const unescaped = text
    .replace(/\\+n/g, "\n")
    .replace(/\\+\//g, "/")
    .replace(/\\+u002[bB]/g, "+");
  let percent = unescaped;
  try {
    percent = decodeURIComponent(unescaped.replace(/%(?![0-9A-Fa-f]{2})/g, "%25"));
  } catch {
    // keep the undecoded text
  }
  const out = [text, unescaped, percent];
  const joined = percent.replace(/\s+/g, "");
  for (const run of joined.match(/[A-Za-z0-9+/_-]{24,}/g) ?? []) {
    const standard = run.replaceAll("-", "+").replaceAll("_", "/");
    for (let skip = 0; skip < 4; skip++) {
      const once = Buffer.from(standard.slice(skip), "base64").toString("latin1");
      out.push(once);
      // base64 of a base64 (a config with data URLs, encoded again)
      for (const inner of once.replace(/\s+/g, "").match(/[A-Za-z0-9+/]{24,}/g) ?? []) {
        for (let skip2 = 0; skip2 < 4; skip2++)
          out.push(Buffer.from(inner.slice(skip2), "base64").toString("latin1"));
      }
    }
  }
  return out.map((d) => d.replace(/\s+/g, ""));
}

/** The secret windows `text` reveals, deduplicated; empty when it reveals nothing. */
export function leakedSecrets(text: string, secrets: RunSecrets): string[] {
  const visible = [secrets.hostKey.publicKey, secrets.clientKey.publicKey].join(" ").replace(/\s+/g, "");
  const materials = [
    secrets.token,
    keyBody(secrets.hostKey.privateKey),
    keyBody(secrets.clientKey.privateKey),
  ];
  const views = decodings(text);
  const found = new Set<string>();
  for (const material of materials) {
    for (let i = 0; i + WINDOW <= material.length; i++) {
      const w = material.slice(i, i + WINDOW);
      if (!visible.includes(w) && views.some((v) => v.includes(w))) found.add(w);
    }
  }
  return [...found].sort();
}

/** The forms in which a guest can print the run's secrets (each reveals them to `leakedSecrets`). */
export function secretForms(secrets: RunSecrets, config: string): string[] {
  const pem = secrets.hostKey.privateKey;
  const b64 = Buffer.from(pem).toString("base64");
  return [
    `ignition[412]: parsed config: ${config}`,
    pem,
    b64,
    (b64.match(/.{1,76}/g) ?? []).join("\n"),
    (b64.match(/.{1,33}/g) ?? []).join("\r\n"),
    `data:,${encodeURIComponent(pem)}`,
    JSON.stringify({ key: pem }),
    JSON.stringify({ key: pem }).replaceAll("/", "\\/"),
    pem.split("\n").slice(0, 3).join("\n"),
    `body line: ${pem.split("\n")[2]}`,
    `token=${secrets.token.slice(0, 20)}\n${secrets.token.slice(20)}`,
    Buffer.from(config).toString("base64"),
    secrets.clientKey.privateKey,
  ];
}
