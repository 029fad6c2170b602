/**
 * The `GuestSession` effect: one ssh2 connection to the guest with the run's client key, the guest's
 * per-run host key PINNED (any other key aborts the handshake — there is no "accept new key" path), exec
 * with a timeout that kills the remote process group, and sftp transfers.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:os";
import ssh2, { type ClientChannel, type SFTPWrapper, type Client as SshClient } from "ssh2";

const { Client, utils } = ssh2;

import { faultOf, InfraError } from "../faults.js";
import type { ExecOptions, ExecResult } from "../machine.js";
import { retry } from "../retry.js";
import { isTimeout, remoteCommand } from "./remote-command.js";

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** OpenSSH private key text of the run's client key. */
  privateKey: string;
  /** OpenSSH public key line of the guest's host key: the pin. */
  hostPublicKey: string;
}

export const DEFAULT_EXEC_TIMEOUT_MS = 600_000;
/** How long after the remote `timeout` should have fired the host gives up on the channel itself. */
const HOST_GRACE_MS = 15_000;

/**
 * Exit status of a remote command that died of a signal, as a shell reports it (128 + number). sudo
 * re-raises the signal that killed its command, so a `timeout --signal=KILL` ends as exit-signal KILL.
 */
export function signalExitCode(signal: string | undefined): number {
  if (signal === undefined) return 255;
  const number = (constants.signals as Record<string, number | undefined>)[
    `SIG${signal.replace(/^SIG/, "")}`
  ];
  return number === undefined ? 255 : 128 + number;
}

export class HostKeyMismatchError extends InfraError {
  override readonly name = "HostKeyMismatchError";
}

export function hostKeyBlob(publicKeyLine: string): Buffer {
  const parsed = utils.parseKey(publicKeyLine);
  if (parsed instanceof Error) throw new Error(`cannot parse pinned host key: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined) throw new Error("cannot parse pinned host key: empty");
  return key.getPublicSSH();
}

export class GuestSession {
  private closed = false;

  private constructor(
    private readonly client: SshClient,
    readonly target: SshTarget,
  ) {
    // A guest that reboots or drops the connection ends the session; the owner then reconnects.
    client.on("close", () => {
      this.closed = true;
    });
    client.on("error", () => {
      this.closed = true;
    });
  }

  /** False once the connection has ended (guest reboot, network loss, `close()`). */
  get alive(): boolean {
    return !this.closed;
  }

  /** One connection attempt; rejects on refusal, timeout or a host key that is not the pinned one. */
  static connect(target: SshTarget, readyTimeoutMs = 15_000): Promise<GuestSession> {
    const pinned = hostKeyBlob(target.hostPublicKey);
    return new Promise((resolve, reject) => {
      const client = new Client();
      let mismatch = false;
      client.once("ready", () => resolve(new GuestSession(client, target)));
      client.once("error", (error) => {
        client.end();
        reject(
          mismatch
            ? new HostKeyMismatchError(
                `guest at ${target.host}:${target.port} presented a host key that is not this run's pinned key`,
              )
            : error,
        );
      });
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        readyTimeout: readyTimeoutMs,
        keepaliveInterval: 10_000,
        algorithms: { serverHostKey: ["ssh-ed25519"] },
        hostVerifier: (key: Buffer) => {
          const ok = Buffer.isBuffer(key) && key.equals(pinned);
          if (!ok) mismatch = true;
          return ok;
        },
      });
    });
  }

  /** Retries `connect` until it works or `totalMs` passes (sshd may lag the readiness record briefly). */
  static async connectWithRetry(target: SshTarget, totalMs = 20_000): Promise<GuestSession> {
    const deadline = performance.now() + totalMs;
    const where = `${target.username}@${target.host}:${target.port}`;
    const { value } = await retry(
      () => GuestSession.connect(target, Math.max(5_000, Math.min(15_000, deadline - performance.now()))),
      {
        what: `SSH to ${where}`,
        timeoutMs: totalMs,
        intervalMs: 500,
        now: () => performance.now(),
        // A host key that is not the pinned one will not become the pinned one; a bug is not a refusal.
        transient: (err) => !(err instanceof HostKeyMismatchError) && faultOf(err) === "infrastructure",
        onTimeout: (e) =>
          new InfraError(
            `SSH to ${where} did not work within ${(totalMs / 1000).toFixed(0)} s: ${String(
              (e.lastError as Error | undefined)?.message ?? e.lastError,
            )}`,
            { cause: e.lastError },
          ),
      },
    );
    return value;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const wrapped = remoteCommand(command, { asRoot: options.asRoot ?? true, timeoutMs });
    const started = performance.now();
    return new Promise((resolve, reject) => {
      this.client.exec(wrapped, (error, channel: ClientChannel) => {
        if (error) {
          reject(error);
          return;
        }
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let hostKilled = false;
        const watchdog = setTimeout(() => {
          hostKilled = true;
          channel.close();
        }, timeoutMs + HOST_GRACE_MS);
        channel.on("data", (chunk: Buffer) => stdout.push(chunk));
        channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        channel.on("close", (code: number | null, signal?: string) => {
          clearTimeout(watchdog);
          const durationMs = performance.now() - started;
          const exitCode = typeof code === "number" ? code : signalExitCode(signal);
          resolve({
            command,
            exitCode,
            stdout: Buffer.concat(stdout).toString("utf8"),
            stderr: Buffer.concat(stderr).toString("utf8"),
            durationMs: Math.round(durationMs),
            timedOut: hostKilled || isTimeout(exitCode, durationMs, timeoutMs),
          });
        });
        if (options.stdin !== undefined) channel.end(options.stdin);
        else channel.end();
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
    });
  }

  /** Copies a host file to `guestPath` (as root, with `mode`) via a private staging file. */
  async upload(localPath: string, guestPath: string, mode = 0o644): Promise<void> {
    const staging = `/var/tmp/.core-ops-verify-upload-${randomBytes(6).toString("hex")}`;
    const sftp = await this.sftp();
    try {
      await new Promise<void>((resolve, reject) =>
        sftp.fastPut(localPath, staging, (error) => (error ? reject(error) : resolve())),
      );
    } finally {
      sftp.end();
    }
    const octal = mode.toString(8).padStart(4, "0");
    const result = await this.exec(
      `install -D -m ${octal} ${staging} '${guestPath.replace(/'/g, `'\\''`)}'; rc=$?; rm -f ${staging}; exit $rc`,
    );
    if (result.exitCode !== 0) {
      throw new Error(`upload to ${guestPath} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    }
  }

  /** Copies `guestPath` (read as root) to a host file. */
  async fetch(guestPath: string, localPath: string): Promise<void> {
    const staging = `/var/tmp/.core-ops-verify-fetch-${randomBytes(6).toString("hex")}`;
    const quoted = `'${guestPath.replace(/'/g, `'\\''`)}'`;
    const copy = await this.exec(`install -m 0600 -o ${this.target.username} ${quoted} ${staging}`);
    if (copy.exitCode !== 0) {
      throw new Error(`fetch of ${guestPath} failed (exit ${copy.exitCode}): ${copy.stderr.trim()}`);
    }
    const sftp = await this.sftp();
    try {
      await new Promise<void>((resolve, reject) =>
        sftp.fastGet(staging, localPath, (error) => (error ? reject(error) : resolve())),
      );
    } finally {
      sftp.end();
      await this.exec(`rm -f ${staging}`).catch(() => undefined);
    }
  }

  close(): void {
    this.closed = true;
    this.client.end();
  }
}
