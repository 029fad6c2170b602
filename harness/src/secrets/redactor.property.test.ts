/**
 * Chains of the encodings a guest or a serializer applies, in any order and at any wrapping width, around
 * any text: the redacted result reveals no secret (checked by the independent decoder of
 * test-support/leaks.ts). Bounded to a few hundred cases.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateRunSecrets, publicValues, secretValues } from "../ignition/run-secrets.js";
import { Redactor } from "./redactor.js";
import { leakedSecrets } from "./test-support/leaks.js";

const secrets = generateRunSecrets("property");
const redactor = new Redactor(secretValues(secrets), publicValues(secrets));

type Step = "base64" | "json" | "percent" | "wrap" | "prefix-lines";
const apply = (text: string, step: Step, width: number): string => {
  switch (step) {
    case "base64":
      return Buffer.from(text, "latin1").toString("base64");
    case "json":
      return JSON.stringify(text);
    case "percent":
      return encodeURIComponent(text);
    case "wrap":
      return (text.match(new RegExp(`.{1,${width}}`, "gs")) ?? [text]).join("\n");
    case "prefix-lines":
      return text
        .split("\n")
        .map((l, i) => `[ ${i}.0] guest: ${l}`)
        .join("\n");
  }
};

describe("redaction of encoding chains", () => {
  it("leaves no secret in any chain of encodings around any text", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(secrets.token, secrets.hostKey.privateKey, secrets.clientKey.privateKey),
        fc.array(fc.constantFrom<Step>("base64", "json", "percent", "wrap", "prefix-lines"), {
          maxLength: 3,
        }),
        fc.integer({ min: 16, max: 120 }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (secret, steps, width, before, after) => {
          // Only one decoding level of the checker per base64: at most two base64 steps.
          fc.pre(steps.filter((s) => s === "base64").length <= 2);
          const text = steps.reduce((t, s) => apply(t, s, width), `${before}\n${secret}\n${after}`);
          expect(leakedSecrets(redactor.text(text), secrets)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
