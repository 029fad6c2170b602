/**
 * A signal that arrives while a machine is already being torn down (the executor's own teardown at the end
 * of a run) must wait for that teardown before the process ends: the child is a real process running the
 * real LibvirtMachine on the in-memory libvirt, bundled with esbuild.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const work = mkdtempSync(join(tmpdir(), "teardown-signal-"));
// Inside the checkout so that the bundle's bare imports (ssh2, zod) resolve from its node_modules.
const bundleDir = join(ROOT, "node_modules", ".cache", "core-ops-tests");
const bundle = join(bundleDir, `interrupt-teardown-child-${process.pid}.mjs`);
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterAll(() => rmSync(bundle, { force: true }));

describe("SIGINT during a teardown already under way", () => {
  it("ends the process only after the domain is gone", async () => {
    mkdirSync(bundleDir, { recursive: true });
    buildSync({
      entryPoints: [join(import.meta.dirname, "test-support", "interrupt-teardown-child.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      outfile: bundle,
      logLevel: "error",
    });
    const callLog = join(work, "virsh-calls.log");
    const child = spawn(process.execPath, [bundle, work, callLog], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on("exit", (code, signal) => done({ code, signal })),
    );
    const deadline = Date.now() + 30_000;
    while (!stdout.includes("tearing down")) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const name = /tearing down (\S+)/.exec(stdout)?.[1] ?? "";
    // `virsh destroy` (1.5 s in the fake) is under way now.
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const exit = await exited;
    expect(exit.signal).toBe("SIGINT");
    expect(stderr).toContain(`SIGINT: tearing down 1 machine(s): ${name}`);
    const calls = readFileSync(callLog, "utf8");
    expect(calls).toContain(`destroy ${name} -> 0`);
    expect(calls).toContain(`undefine ${name} --nvram -> 0`);
    expect(calls).toContain(`vol-delete ${name}.qcow2 --pool core-ops-verify -> 0`);
  });
});
