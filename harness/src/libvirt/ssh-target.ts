/**
 * How the harness reaches a guest's sshd: on the user-restricted network through the loopback port
 * forwarded to it, otherwise at the address its readiness record names; always with the run's client key
 * and the run's pinned host key.
 */
import type { SshTarget } from "../guest/ssh-session.js";
import type { ImageDescriptor } from "../guest-image/descriptor.js";
import type { RunSecrets } from "../ignition/run-secrets.js";
import type { ReadinessRecord } from "../machine.js";

export function sshTarget(
  descriptor: ImageDescriptor,
  forwardedPort: number | undefined,
  record: ReadinessRecord,
  secrets: RunSecrets,
): SshTarget {
  const userNet = descriptor.network.mode === "user-restricted";
  return {
    host: userNet ? "127.0.0.1" : record.ip,
    port: userNet ? (forwardedPort ?? 22) : 22,
    username: descriptor.ssh_user,
    privateKey: secrets.clientKey.privateKey,
    hostPublicKey: secrets.hostKey.publicKey,
  };
}
