/**
 * The single-file binary (ARCHITECTURE.md "Build: one bundle configuration, two outputs"):
 * scripts/build-binary.mjs bundles the agent, has the pinned Node 24 runtime make the SEA blob and injects
 * it. This builds into a temp dir (≈ 5 s, 122 MB) and runs the result with no Node.js reachable on PATH.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { demoTree, Fixture } from "./cli/test-support/cli-fixture.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(join(tmpdir(), "core-ops-binary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("single-file binary", () => {
  it("runs --version without the machine's Node, names the build revision, and applies", () => {
    const out = join(dir, "core-ops");
    execFileSync(process.execPath, [join(root, "scripts", "build-binary.mjs")], {
      env: { ...process.env, CORE_OPS_BINARY_OUT: out },
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(statSync(out).mode & 0o111).not.toBe(0);
    const info = JSON.parse(readFileSync(join(root, "agent", "dist", "build-info.json"), "utf8")) as {
      version: string;
      revision: string;
    };
    const printed = execFileSync(out, ["--version"], { encoding: "utf8", env: { PATH: "/nonexistent" } });
    expect(printed.trim()).toMatch(/^\d+\.\d+\.\d+\S* \([0-9a-f]{8}\)( dirty)?$/);
    expect(printed).toContain(`${info.version} (${info.revision.slice(0, 8)})`);

    // The bundled agent works with nothing but git on PATH: init, then apply to an offline root.
    const f = new Fixture();
    try {
      f.commit(demoTree("1"), "v1");
      const bin = join(dir, "bin");
      mkdirSync(bin);
      symlinkSync(
        execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim(),
        join(bin, "git"),
      );
      const env = { PATH: bin, HOME: dir, CORE_OPS_LOCK_PATH: f.lockPath };
      execFileSync(out, ["init", f.repo, "main", "--state-file", f.stateFile], {
        env,
        encoding: "utf8",
      });
      const res = execFileSync(out, ["apply", "--json", ...f.args()], { env, encoding: "utf8" });
      expect((JSON.parse(res) as { outcome: string }).outcome).toBe("converged");
      expect(readFileSync(join(f.root, "etc/web/app.env"), "utf8")).toBe("VERSION=1\n");
    } finally {
      f.cleanup();
    }
  });
});
