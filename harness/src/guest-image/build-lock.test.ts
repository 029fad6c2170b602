import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { withBuildLock } from "./build-lock.js";

describe("withBuildLock", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("holds the lock (our PID in it) while working and removes it afterwards", async () => {
    dir = await mkdtemp(join(tmpdir(), "lock-"));
    const lock = join(dir, ".build-x.lock");
    const seen = await withBuildLock(
      lock,
      () => {},
      () => readFile(lock, "utf8"),
    );
    expect(seen.trim()).toBe(String(process.pid));
    await expect(readFile(lock, "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("takes over a stale lock whose owner is gone", async () => {
    dir = await mkdtemp(join(tmpdir(), "lock-"));
    const lock = join(dir, ".build-x.lock");
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = child.pid as number;
    await new Promise((r) => child.on("exit", r));
    await writeFile(lock, `${deadPid}\n`);
    expect(
      await withBuildLock(
        lock,
        () => {},
        async () => "ran",
      ),
    ).toBe("ran");
  });

  it("waits for a live owner, then runs", async () => {
    dir = await mkdtemp(join(tmpdir(), "lock-"));
    const lock = join(dir, ".build-x.lock");
    const owner = spawn(process.execPath, ["-e", "setTimeout(() => {}, 1500)"]);
    await writeFile(lock, `${owner.pid}\n`);
    const lines: string[] = [];
    const release = new Promise<void>((resolve) =>
      owner.on("exit", async () => {
        await rm(lock, { force: true });
        resolve();
      }),
    );
    const started = Date.now();
    const result = await withBuildLock(
      lock,
      (l) => lines.push(l),
      async () => Date.now() - started,
    );
    await release;
    expect(result).toBeGreaterThanOrEqual(1000);
    expect(lines[0]).toMatch(new RegExp(`waiting for the build in process ${owner.pid}`));
  });

  it("releases the lock when the work throws", async () => {
    dir = await mkdtemp(join(tmpdir(), "lock-"));
    const lock = join(dir, ".build-x.lock");
    await expect(
      withBuildLock(
        lock,
        () => {},
        async () => Promise.reject(new Error("boom")),
      ),
    ).rejects.toThrow("boom");
    await expect(readFile(lock, "utf8")).rejects.toThrow(/ENOENT/);
  });
});
