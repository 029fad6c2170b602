import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import ssh2, { type Server as SshServer } from "ssh2";

const { Server } = ssh2;

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../ignition/run-secrets.js";
import { GuestSession, HostKeyMismatchError, signalExitCode } from "./ssh-session.js";

// A real SSH server on loopback (ssh2's server) that runs exec requests with the host's sh: it checks the
// client's pinning and the exec/timeout plumbing, not the guest.
const hostKey = generateKeyPair("test-host");
const otherHostKey = generateKeyPair("other-host");
const clientKey = generateKeyPair("test-client");
let server: SshServer;
let port = 0;

beforeAll(async () => {
  server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    client.on("authentication", (ctx) =>
      ctx.method === "publickey" ? ctx.accept() : ctx.reject(["publickey"]),
    );
    client.on("ready", () => {
      client.on("session", (accept) => {
        const session = accept();
        session.on("exec", (acceptExec, _reject, info) => {
          const stream = acceptExec();
          const child = spawn("sh", ["-c", info.command], { stdio: ["pipe", "pipe", "pipe"] });
          stream.pipe(child.stdin);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          child.on("close", (code) => {
            stream.exit(code ?? 255);
            stream.end();
          });
        });
      });
    });
    client.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

const target = () => ({
  host: "127.0.0.1",
  port,
  username: "core",
  privateKey: clientKey.privateKey,
  hostPublicKey: hostKey.publicKey,
});

describe("GuestSession", () => {
  it("connects when the host key is the pinned one and returns code, stdout, stderr", async () => {
    const session = await GuestSession.connect(target());
    try {
      const result = await session.exec("echo out; echo err >&2; cat; exit 3", {
        asRoot: false,
        stdin: "in\n",
      });
      expect(result).toMatchObject({ exitCode: 3, stdout: "out\nin\n", stderr: "err\n", timedOut: false });
      expect(session.alive).toBe(true);
    } finally {
      session.close();
    }
    expect(session.alive).toBe(false);
  });

  it("refuses a guest whose host key is not the pinned one", async () => {
    await expect(
      GuestSession.connect({ ...target(), hostPublicKey: otherHostKey.publicKey }),
    ).rejects.toBeInstanceOf(HostKeyMismatchError);
    await expect(
      GuestSession.connectWithRetry({ ...target(), hostPublicKey: otherHostKey.publicKey }, 5_000),
    ).rejects.toBeInstanceOf(HostKeyMismatchError);
  });

  it("kills a command that outlives its timeout and says so", async () => {
    const session = await GuestSession.connect(target());
    try {
      const result = await session.exec("sleep 20", { asRoot: false, timeoutMs: 1_000 });
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).toBe(137);
      expect(result.durationMs).toBeLessThan(8_000);
    } finally {
      session.close();
    }
  });
});

describe("signalExitCode", () => {
  it("maps exit signals to 128 + number, as a shell does", () => {
    expect(signalExitCode("KILL")).toBe(137);
    expect(signalExitCode("TERM")).toBe(143);
    expect(signalExitCode(undefined)).toBe(255);
    expect(signalExitCode("NOPE")).toBe(255);
  });
});
