import { describe, expect, it } from "vitest";
import { generateKeyPair, generateRunSecrets, publicValues, secretValues } from "../ignition/run-secrets.js";
import { REDACTED, Redactor } from "./redactor.js";
import { leakedSecrets, secretForms } from "./test-support/leaks.js";

const secrets = generateRunSecrets("redact-table");
const redactor = new Redactor(secretValues(secrets), publicValues(secrets));
const token = secrets.token;
const hostPem = secrets.hostKey.privateKey;
const clientPem = secrets.clientKey.privateKey;

const strip = (s: string) => s.replace(/\s+/g, "");
const b64 = (s: string) => Buffer.from(s, "latin1").toString("base64");
const unb64 = (s: string) =>
  Buffer.from(strip(s).replaceAll("-", "+").replaceAll("_", "/"), "base64").toString("latin1");
const wrap = (s: string, width: number) => s.match(new RegExp(`.{1,${width}}`, "gs"))?.join("\n") ?? s;
/** The key body: the part of a PEM that is key material. */
const body = (pem: string) =>
  strip(
    pem
      .split("\n")
      .filter((l) => !l.startsWith("-----"))
      .join(""),
  );

/**
 * The secret material a text reveals, independent of the redactor: every 16-character window of the token
 * or of a key body that the (decoded) text contains.
 */
function revealed(decoded: string): string[] {
  const flat = strip(decoded);
  const found: string[] = [];
  const publicKeys = publicValues(secrets).map(strip).join(" ");
  for (const material of [token, body(hostPem), body(clientPem)]) {
    for (let i = 0; i + 16 <= material.length; i++) {
      const w = material.slice(i, i + 16);
      // A private key embeds its public key; that part is not secret.
      if (flat.includes(w) && !publicKeys.includes(w)) found.push(w);
    }
  }
  return found;
}

interface Form {
  name: string;
  text: string;
  /** Undoes the form's encoding so `revealed` can look for the secret in it. */
  decode: (text: string) => string;
}

const id = (s: string) => s;
const line3 = hostPem.split("\n")[2] ?? "";
const tokenHalf = token.length / 2;

const forms: Form[] = [
  { name: "raw token", text: `token=${token} seen`, decode: id },
  {
    name: "readiness record line",
    text: `CORE_OPS_VERIFY_READY {"run_id":"r","token":"${token}","ip":"10.0.2.15"}`,
    decode: id,
  },
  { name: "raw host private key", text: `key:\n${hostPem}\nafter`, decode: id },
  { name: "raw client private key with CRLF", text: clientPem.replaceAll("\n", "\r\n"), decode: id },
  { name: "base64 one line", text: b64(hostPem), decode: unb64 },
  { name: "base64 of the token", text: b64(`TOKEN=${token}\n`), decode: unb64 },
  { name: "URL-safe base64", text: b64(hostPem).replaceAll("+", "-").replaceAll("/", "_"), decode: unb64 },
  ...[0, 1, 2].map((offset) => ({
    name: `base64 inside a larger blob, byte offset ${offset}`,
    text: b64(`${"#".repeat(offset + 3)}prefix\n${hostPem}suffix`),
    decode: unb64,
  })),
  {
    name: "base64 twice (a base64 of a config)",
    text: b64(`{"source":"data:;base64,${b64(hostPem)}"}`),
    decode: (t) => unb64(unb64(t)),
  },
  {
    name: "data URL, base64",
    text: `"source": "data:;base64,${b64(hostPem)}"`,
    decode: (t) => unb64(t.split(",")[1] ?? ""),
  },
  {
    name: "data URL, percent-encoded",
    text: `data:,${encodeURIComponent(hostPem)}`,
    decode: (t) => decodeURIComponent(t.slice(6)),
  },
  {
    name: "data URL, percent-encoded with lower-case hex, only what must be",
    text: `data:,${hostPem.replaceAll("\n", "%0a").replaceAll(" ", "%20").replaceAll("+", "%2b")}`,
    decode: (t) => decodeURIComponent(t.slice(6)),
  },
  { name: "token data URL", text: `data:,TOKEN%3D${token}%0A`, decode: (t) => decodeURIComponent(t) },
  { name: "JSON-escaped", text: JSON.stringify({ key: hostPem }), decode: (t) => JSON.parse(t).key },
  {
    name: "JSON-escaped with \\/",
    text: JSON.stringify({ key: clientPem }).replaceAll("/", "\\/"),
    decode: (t) => JSON.parse(t).key,
  },
  {
    name: "JSON-escaped twice",
    text: JSON.stringify(JSON.stringify({ key: hostPem })),
    decode: (t) => JSON.parse(JSON.parse(t)).key,
  },
  {
    name: "JSON with \\u escapes",
    text: JSON.stringify({ key: hostPem }).replaceAll("+", "\\u002b").replaceAll("/", "\\u002F"),
    decode: (t) => JSON.parse(t).key,
  },
  {
    name: "token split across lines",
    text: `t=${token.slice(0, tokenHalf)}\n${token.slice(tokenHalf)} end`,
    decode: id,
  },
  {
    name: "key lines behind a console prefix",
    text: hostPem
      .split("\n")
      .map((l, i) => `[   ${i}.000] ignition[321]: ${l}`)
      .join("\n"),
    decode: (t) => t.replace(/\[[^\]]*\] ignition\[321\]: /g, ""),
  },
  {
    name: "truncated PEM",
    text: `${hostPem.split("\n").slice(0, 3).join("\n")}\n[  OK  ] Started something.`,
    decode: id,
  },
  {
    name: "truncated PEM, JSON-escaped",
    text: JSON.stringify({ key: hostPem.split("\n").slice(0, 4).join("\n") }),
    decode: (t) => JSON.parse(t).key,
  },
  { name: "a single key-body line", text: `log: ${line3}`, decode: id },
];

describe("one redaction for every form of a run secret", () => {
  it("the key body lines are long enough to be recognized alone", () => {
    expect(line3.length).toBeGreaterThanOrEqual(16);
  });

  for (const form of forms) {
    it(form.name, () => {
      const leaked = revealed(form.decode(form.text));
      expect(leaked.length, "the form carries secret material before redaction").toBeGreaterThan(0);
      const out = redactor.text(form.text);
      expect(out).toContain(REDACTED);
      expect(revealed(form.decode(out))).toEqual([]);
      expect(redactor.finds(out)).toBe(false);
      expect(redactor.text(out)).toBe(out);
    });
  }

  for (const width of Array.from({ length: 120 }, (_, i) => i + 1)) {
    it(`base64 wrapped at width ${width}`, () => {
      const text = `${wrap(b64(`${hostPem}TOKEN=${token}\n`), width)}\n`;
      expect(revealed(unb64(text)).length).toBeGreaterThan(0);
      expect(revealed(unb64(redactor.text(text)))).toEqual([]);
    });
  }

  it("keeps what is not secret: public keys, words, other tokens", () => {
    const text = [
      "Welcome to Debian GNU/Linux trixie/sid!",
      `known host: [127.0.0.1]:2222 ${secrets.hostKey.publicKey}`,
      `authorized: ${secrets.clientKey.publicKey}`,
      "base64 of something else: SGVsbG8sIHdvcmxkISBUaGlzIGlzIG5vdCBhIHNlY3JldC4=",
      `another run's token: ${"ab12".repeat(12)}`,
      "100% done, path C:\\new\\table",
    ].join("\n");
    expect(redactor.text(text)).toBe(text);
    expect(redactor.finds(text)).toBe(false);
  });

  it("keeps the text around a private key block", () => {
    expect(redactor.text(`before\n${hostPem}after words`)).toBe(`before\n${REDACTED}\nafter words`);
  });

  it("removes any private key block, complete or cut off, even one it was not given", () => {
    const other = generateKeyPair("someone-else").privateKey;
    const empty = new Redactor([]);
    expect(empty.text(`a\n${other}b`)).toBe(`a\n${REDACTED}\nb`);
    const cut = other.split("\n").slice(0, 3).join("\n");
    expect(empty.text(`a\n${cut}\nWelcome to the guest`)).toBe(`a\n${REDACTED}\nWelcome to the guest`);
    expect(empty.text(JSON.stringify(other))).toBe(`"${REDACTED}\\n"`);
  });

  it("ignores secrets too short to mean anything", () => {
    expect(new Redactor(["b", "  "]).text("a b c")).toBe("a b c");
  });

  it("serializes to nothing: the secrets never leave through the redactor itself", () => {
    expect(JSON.stringify({ redactor })).toBe('{"redactor":{}}');
  });
});

describe("the test oracle (secrets/test-support/leaks.ts) sees every form it is given", () => {
  it("finds the secrets in each form before redaction and none after", () => {
    const config = JSON.stringify({ source: `data:;base64,${b64(hostPem)}`, token });
    for (const form of secretForms(secrets, config)) {
      expect(leakedSecrets(form, secrets).length, form.slice(0, 60)).toBeGreaterThan(0);
      expect(leakedSecrets(redactor.text(form), secrets), form.slice(0, 60)).toEqual([]);
    }
  });
});
