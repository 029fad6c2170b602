import { describe, expect, it } from "vitest";
import { redact } from "./redact.js";

describe("redaction", () => {
  it("removes private key blocks and known secrets", () => {
    const text =
      "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----\ntoken=r18a2b3c4d5e6 again r18a2b3c4d5e6";
    const out = redact(text, ["r18a2b3c4d5e6"]);
    expect(out).toBe("key:\n[REDACTED PRIVATE KEY]\ntoken=[REDACTED] again [REDACTED]");
  });
  it("ignores secrets too short to be meaningful", () => {
    expect(redact("a b c", ["b"])).toBe("a b c");
  });
});
