/**
 * Ed25519 key pairs in OpenSSH's own formats, encoded from Node's crypto.
 *
 * Why not `ssh2.utils.generateKeyPairSync`: it strips leading zero bytes from the 32-byte Ed25519 public
 * key, so about one key in 256 comes out 31 bytes long — malformed for ssh2's own parser and for sshd.
 * A run generates two keys, so a corpus of twenty scenarios hit that about once in six runs. Encoding
 * here keeps the key exactly 32 bytes.
 *
 * Formats (OpenSSH's PROTOCOL.key): the public line is `ssh-ed25519 <base64(string type, string pub)>
 * <comment>`; the private key is the unencrypted `openssh-key-v1` container, base64 wrapped at 70 columns.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";

const KEY_TYPE = "ssh-ed25519";
const AUTH_MAGIC = Buffer.from("openssh-key-v1\0", "latin1");
const BLOCK_SIZE = 8;

export interface OpenSshKeyPair {
  privateKey: string;
  publicKey: string;
}

function sshString(value: Buffer | string): Buffer {
  const body = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

function rawKeys(privateKey: KeyObject): { seed: Buffer; pub: Buffer } {
  const jwk = privateKey.export({ format: "jwk" });
  if (jwk.d === undefined || jwk.x === undefined) throw new Error("Ed25519 key export lacks d or x");
  const seed = Buffer.from(jwk.d, "base64url");
  const pub = Buffer.from(jwk.x, "base64url");
  if (seed.length !== 32 || pub.length !== 32) throw new Error("Ed25519 key export is not 32 bytes");
  return { seed, pub };
}

/** Encodes a raw Ed25519 key (32-byte seed and public key) as OpenSSH private key text and public line. */
export function encodeEd25519(seed: Buffer, pub: Buffer, comment: string, checkInt: number): OpenSshKeyPair {
  const publicBlob = Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);
  const unpadded = Buffer.concat([
    uint32(checkInt),
    uint32(checkInt),
    sshString(KEY_TYPE),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const padLength = (BLOCK_SIZE - (unpadded.length % BLOCK_SIZE)) % BLOCK_SIZE;
  const padding = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  const container = Buffer.concat([
    AUTH_MAGIC,
    sshString("none"),
    sshString("none"),
    sshString(""),
    uint32(1),
    sshString(publicBlob),
    sshString(Buffer.concat([unpadded, padding])),
  ]);
  const lines = container.toString("base64").match(/.{1,70}/g) ?? [];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `${KEY_TYPE} ${publicBlob.toString("base64")} ${comment}`,
  };
}

/** Re-creates the Ed25519 key of a 32-byte seed (PKCS#8 wrapping of RFC 8410). */
export function ed25519FromSeed(seed: Buffer): KeyObject {
  const prefix = Buffer.from("302e020100300506032b657004220420", "hex");
  return createPrivateKey({ key: Buffer.concat([prefix, seed]), format: "der", type: "pkcs8" });
}

export function generateEd25519(comment: string): OpenSshKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const { seed, pub } = rawKeys(privateKey);
  return encodeEd25519(seed, pub, comment, randomBytes(4).readUInt32BE());
}

/** The OpenSSH encoding of the key a seed determines (tests use it to reach keys with a leading zero byte). */
export function ed25519PairFromSeed(seed: Buffer, comment: string): OpenSshKeyPair {
  const { pub } = rawKeys(ed25519FromSeed(seed));
  return encodeEd25519(seed, pub, comment, 0x01020304);
}
