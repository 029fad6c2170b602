/**
 * Per-run secrets: the readiness token, the client SSH key pair (authorized for the admin user) and the SSH
 * host key pair injected through Ignition and pinned by the client. Never shared between runs or baked into
 * an image.
 */
import { randomBytes } from "node:crypto";
import { generateEd25519 } from "./openssh-key.js";

export interface KeyPair {
  /** OpenSSH private key text. */
  privateKey: string;
  /** OpenSSH public key line (`ssh-ed25519 AAAA… comment`). */
  publicKey: string;
}

export interface RunSecrets {
  token: string;
  clientKey: KeyPair;
  hostKey: KeyPair;
}

export function generateKeyPair(comment: string): KeyPair {
  return generateEd25519(comment);
}

export function generateRunSecrets(runId: string): RunSecrets {
  return {
    token: randomBytes(24).toString("hex"),
    clientKey: generateKeyPair(`core-ops-verify-${runId}`),
    hostKey: generateKeyPair(`core-ops-verify-host-${runId}`),
  };
}

/** Values redaction must hide for this run. */
export function secretValues(secrets: RunSecrets): string[] {
  return [secrets.token, secrets.clientKey.privateKey, secrets.hostKey.privateKey];
}

/** Public values the private keys embed; redaction leaves them readable. */
export function publicValues(secrets: RunSecrets): string[] {
  return [secrets.clientKey.publicKey, secrets.hostKey.publicKey];
}
