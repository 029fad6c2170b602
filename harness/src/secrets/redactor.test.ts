import { describe, expect, it } from "vitest";
import { generateKeyPair, generateRunSecrets, publicValues, secretValues } from "../ignition/run-secrets.js";
import { REDACTED, Redactor } from "./redactor.js";
import { leakedSecrets, secretForms, seedLine } from "./test-support/leaks.js";

const secrets = generateRunSecrets("redact-table");
const redactor = new Redactor(secretValues(secrets), publicValues(secrets));
const token = secrets.token;
const hostPem = secrets.hostKey.privateKey;
const clientPem = secrets.clientKey.privateKey;

const b64 = (s: string) => Buffer.from(s, "latin1").toString("base64");
const wrap = (s: string, width: number) => s.match(new RegExp(`.{1,${width}}`, "gs"))?.join("\n") ?? s;
const tokenHalf = token.length / 2;

/** Each form a guest or a serializer can print a secret in. `leakedSecrets` decodes them on its own. */
const forms: [name: string, text: string][] = [
  ["raw token", `token=${token} seen`],
  ["readiness record line", `CORE_OPS_VERIFY_READY {"run_id":"r","token":"${token}","ip":"10.0.2.15"}`],
  ["raw host private key", `key:\n${hostPem}\nafter`],
  ["raw client private key with CRLF", clientPem.replaceAll("\n", "\r\n")],
  ["base64 on one line", b64(hostPem)],
  ["base64 of the token", b64(`TOKEN=${token}\n`)],
  ["URL-safe base64", b64(hostPem).replaceAll("+", "-").replaceAll("/", "_")],
  ...[0, 1, 2].map((offset): [string, string] => [
    `base64 inside a larger blob, byte offset ${offset}`,
    b64(`${"#".repeat(offset + 3)}prefix\n${hostPem}suffix`),
  ]),
  ["base64 twice (a base64 of a config)", b64(`{"source":"data:;base64,${b64(hostPem)}"}`)],
  ["data URL, base64", `"source": "data:;base64,${b64(hostPem)}"`],
  ["data URL, percent-encoded", `data:,${encodeURIComponent(hostPem)}`],
  [
    "data URL, percent-encoded with lower-case hex, only what must be",
    `data:,${hostPem.replaceAll("\n", "%0a").replaceAll(" ", "%20").replaceAll("+", "%2b")}`,
  ],
  ["token in a percent-encoded data URL", `data:,TOKEN%3D${token}%0A`],
  ["JSON-escaped", JSON.stringify({ key: hostPem })],
  ["JSON-escaped with \\/", JSON.stringify({ key: clientPem }).replaceAll("/", "\\/")],
  ["JSON-escaped twice", JSON.stringify(JSON.stringify({ key: hostPem }))],
  [
    "JSON with \\u escapes",
    JSON.stringify({ key: hostPem }).replaceAll("+", "\\u002b").replaceAll("/", "\\u002F"),
  ],
  ["token split across lines", `t=${token.slice(0, tokenHalf)}\n${token.slice(tokenHalf)} end`],
  [
    "key lines behind a console prefix",
    hostPem
      .split("\n")
      .map((l, i) => `[   ${i}.000] ignition[321]: ${l}`)
      .join("\n"),
  ],
  ["truncated PEM", `${hostPem.split("\n").slice(0, 6).join("\n")}\n[  OK  ] Started something.`],
  ["truncated PEM, JSON-escaped", JSON.stringify({ key: hostPem.split("\n").slice(0, 6).join("\n") })],
  ["a single key-body line", `log: ${seedLine(hostPem)}`],
];

describe("one redaction for every form of a run secret", () => {
  for (const [name, text] of forms) {
    it(name, () => {
      expect(leakedSecrets(text, secrets).length, "the form carries secret material").toBeGreaterThan(0);
      const out = redactor.text(text);
      expect(out).toContain(REDACTED);
      expect(leakedSecrets(out, secrets)).toEqual([]);
      expect(redactor.finds(out)).toBe(false);
      expect(redactor.text(out)).toBe(out);
    });
  }

  for (const width of Array.from({ length: 120 }, (_, i) => i + 1)) {
    it(`base64 wrapped at width ${width}`, () => {
      const text = `${wrap(b64(`${hostPem}TOKEN=${token}\n`), width)}\n`;
      expect(leakedSecrets(text, secrets).length).toBeGreaterThan(0);
      expect(leakedSecrets(redactor.text(text), secrets)).toEqual([]);
    });
  }

  it("every form a guest prints in the VM test, too", () => {
    const config = JSON.stringify({ source: `data:;base64,${b64(hostPem)}`, token });
    for (const form of secretForms(secrets, config)) {
      expect(leakedSecrets(form, secrets).length, form.slice(0, 60)).toBeGreaterThan(0);
      expect(leakedSecrets(redactor.text(form), secrets), form.slice(0, 60)).toEqual([]);
    }
  });

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
