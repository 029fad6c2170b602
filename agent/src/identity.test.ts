import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { BuildInfoSchema, buildInfo, formatIdentity } from "./identity.js";

const root = join(import.meta.dirname, "..", "..");

describe("identity", () => {
  it("formats version, short revision and dirty marker", () => {
    expect(
      formatIdentity({ version: "1.2.3", revision: "454ac5f1aa00", tree_state: "dirty", build_time: null }),
    ).toBe("1.2.3 (454ac5f1) dirty");
    expect(
      formatIdentity({ version: "1.2.3", revision: "454ac5f1aa00", tree_state: "clean", build_time: null }),
    ).toBe("1.2.3 (454ac5f1)");
  });

  it("reads the root package version and the git revision from a source checkout", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    const info = buildInfo();
    expect(info.version).toBe(pkg.version);
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    expect(info.revision).toBe(head);
  });

  it("reads this checkout's revision even when the caller has GIT_DIR set (a git hook, say)", async () => {
    const other = mkdtempSync(join(tmpdir(), "identity-git-dir-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", other, "-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
        encoding: "utf8",
      }).trim();
    const saved = process.env.GIT_DIR;
    try {
      git("init", "-q");
      git("commit", "-q", "--allow-empty", "-m", "other");
      process.env.GIT_DIR = join(other, ".git");
      vi.resetModules();
      const fresh = await import("./identity.js");
      const head = execFileSync("git", ["rev-parse", "HEAD"], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, GIT_DIR: undefined },
      }).trim();
      expect(fresh.buildInfo().revision).toBe(head);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("the compiled CLI prints the identity its build recorded with --version", () => {
    const out = execFileSync(process.execPath, [join(root, "agent", "bin", "core-ops.js"), "--version"], {
      encoding: "utf8",
    }).trim();
    // The build's record, not HEAD: a commit made after `npm run build:ts` must not fail this test.
    const recorded = BuildInfoSchema.parse(
      JSON.parse(readFileSync(join(root, "agent", "dist", "build-info.json"), "utf8")),
    );
    expect(recorded.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(out).toBe(formatIdentity(recorded));
  });
});
