/**
 * A check for tests, written independently of the redactor: which secret material of a run a text still
 * reveals. It decodes rather than encodes — JSON escapes, percent-encoding, and every base64-looking run at
 * each alignment — and then looks for 16-character windows of the token and of the base64 that encodes each
 * private key's secret seed (the rest of an OpenSSH key body — format header, public key, comment — is not
 * secret).
 */
import type { RunSecrets } from "../../ignition/run-secrets.js";

const WINDOW = 16;

/**
 * The base64 characters of an OpenSSH private key's body that encode its secret seed (the first half of the
 * private key field), found by walking the key format: magic, cipher, kdf, kdf options, key count, public
 * key, then the private section (two check ints, key type, public key, private key, comment).
 */
function seedChars(pem: string): string {
  const body = pem
    .split("\n")
    .filter((line) => !line.startsWith("-----"))
    .join("")
    .replace(/\s+/g, "");
  const bytes = Buffer.from(body, "base64");
  let at = "openssh-key-v1\0".length;
  const skipString = () => {
    at += 4 + bytes.readUInt32BE(at);
  };
  skipString(); // cipher
  skipString(); // kdf
  skipString(); // kdf options
  at += 4; // number of keys
  skipString(); // public key
  at += 4; // length of the private section
  at += 8; // check ints
  skipString(); // key type
  skipString(); // public key
  at += 4; // length of the private key field; the seed is its first 32 bytes
  const from = Math.ceil((at * 8) / 6);
  const to = Math.floor(((at + 32) * 8) / 6);
  return body.slice(from, to);
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

/** The secret windows `text` reveals (of the token and of the private keys' seeds); empty when none. */
export function leakedSecrets(text: string, secrets: RunSecrets): string[] {
  const materials = [
    secrets.token,
    seedChars(secrets.hostKey.privateKey),
    seedChars(secrets.clientKey.privateKey),
  ];
  const views = decodings(text);
  const found = new Set<string>();
  for (const material of materials) {
    for (let i = 0; i + WINDOW <= material.length; i++) {
      const w = material.slice(i, i + WINDOW);
      if (views.some((v) => v.includes(w))) found.add(w);
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
    pem.split("\n").slice(0, 6).join("\n"),
    `body line: ${seedLine(pem)}`,
    `token=${secrets.token.slice(0, 20)}\n${secrets.token.slice(20)}`,
    Buffer.from(config).toString("base64"),
    secrets.clientKey.privateKey,
  ];
}

/** A body line of the PEM that carries part of the seed (for single-line forms). */
export function seedLine(pem: string): string {
  const seed = seedChars(pem);
  const windows = Array.from({ length: seed.length - WINDOW + 1 }, (_, i) => seed.slice(i, i + WINDOW));
  return pem.split("\n").find((line) => windows.some((w) => line.includes(w))) ?? "";
}
