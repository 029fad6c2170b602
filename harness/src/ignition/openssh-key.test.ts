import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, describe, expect, it } from "vitest";
import { ed25519PairFromSeed, generateEd25519, type OpenSshKeyPair } from "./openssh-key.js";

const { utils } = ssh2;
const dir = mkdtempSync(join(tmpdir(), "openssh-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parsed(text: string): ssh2.ParsedKey {
  const key = utils.parseKey(text);
  if (key instanceof Error) throw key;
  const first = Array.isArray(key) ? key[0] : key;
  if (first === undefined) throw new Error("no key");
  return first;
}

function publicKeyBytes(pair: OpenSshKeyPair): Buffer {
  const blob = parsed(pair.publicKey).getPublicSSH();
  return blob.subarray(blob.length - 32);
}

/** A deterministic seed whose public key starts with a zero byte: the case ssh2's generator truncated. */
function seedWithLeadingZero(): Buffer {
  for (let i = 0; ; i++) {
    const seed = createHash("sha256").update(`seed-${i}`).digest();
    const pair = ed25519PairFromSeed(seed, "zero");
    const blob = Buffer.from(pair.publicKey.split(" ")[1] ?? "", "base64");
    if (blob.length === 51 && blob[19] === 0) return seed;
  }
}

describe("OpenSSH Ed25519 encoding", () => {
  it("keeps a public key with a leading zero byte 32 bytes long, and ssh2 parses both halves", () => {
    const pair = ed25519PairFromSeed(seedWithLeadingZero(), "zero");
    expect(publicKeyBytes(pair)).toHaveLength(32);
    expect(publicKeyBytes(pair)[0]).toBe(0);
    expect(parsed(pair.privateKey).type).toBe("ssh-ed25519");
  });

  it("produces a private key whose signature the public key verifies", () => {
    for (const pair of [generateEd25519("a"), ed25519PairFromSeed(seedWithLeadingZero(), "b")]) {
      const data = Buffer.from("core-ops-verify");
      const signature = parsed(pair.privateKey).sign(data);
      expect(signature).toBeInstanceOf(Buffer);
      expect(parsed(pair.publicKey).verify(data, signature as Buffer)).toBe(true);
    }
  });

  it("is what OpenSSH's own ssh-keygen reads: it derives the same public line from the private key", () => {
    for (const [i, pair] of [
      generateEd25519("c"),
      ed25519PairFromSeed(seedWithLeadingZero(), "d"),
    ].entries()) {
      const file = join(dir, `key-${i}`);
      writeFileSync(file, pair.privateKey, { mode: 0o600 });
      const derived = execFileSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" }).trim();
      expect(derived).toBe(pair.publicKey);
    }
  });

  it("never yields a key ssh2 rejects across many generated keys", () => {
    for (let i = 0; i < 300; i++) {
      const pair = generateEd25519(`k${i}`);
      expect(publicKeyBytes(pair)).toHaveLength(32);
      expect(parsed(pair.privateKey).type).toBe("ssh-ed25519");
    }
  });
});
