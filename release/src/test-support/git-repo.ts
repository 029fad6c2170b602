/** A real git repository in a temp dir shaped like this project (root + agent/harness workspaces), for tests. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { collectValidationInput, type RangeOptions } from "../collect.js";
import { openReleaseGit } from "../git.js";
import { regenerateChangelog } from "../regenerate.js";
import type { ValidationResult } from "../result.js";
import { validateChangeSet } from "../validate.js";

export const CHANGELOG = `# Changelog

All notable changes to this project are documented in this file.

## [Unreleased]

<!-- core-ops-release:start -->
<!-- core-ops-release:end -->

## [0.1.0] - 2026-10-01

### Added

- The first thing.
`;

export function packageJson(version: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ name: "core-ops", version, private: true, workspaces: ["agent", "harness", "release"], ...extra }, null, 2)}\n`;
}

export function workspaceJson(name: string, version: string): string {
  return `${JSON.stringify({ name, version, private: true }, null, 2)}\n`;
}

export function lockJson(version: string, wsVersion = version): string {
  return `${JSON.stringify(
    {
      name: "core-ops",
      version,
      lockfileVersion: 3,
      requires: true,
      packages: {
        "": { name: "core-ops", version, workspaces: ["agent", "harness", "release"] },
        agent: { name: "@core-ops/agent", version: wsVersion },
        harness: { name: "@core-ops/harness", version: wsVersion },
        release: { name: "@core-ops/release", version: wsVersion },
        "node_modules/zod": { version: "4.6.7" },
      },
    },
    null,
    2,
  )}\n`;
}

export function fragment(id: string, intent: string, extra = ""): string {
  return `---\nchange_id: ${id}\nrelease_intent: ${intent}\nsummary: Change ${id}.\n${extra}---\n\nWhy.\n\n### Added\n\n- Change ${id}.\n`;
}

export class TestRepo {
  private constructor(readonly dir: string) {}

  static async create(version = "0.1.0"): Promise<TestRepo> {
    const dir = await mkdtemp(path.join(tmpdir(), "core-ops-release-"));
    const repo = new TestRepo(dir);
    await repo.git("init", "-q", "-b", "main");
    await repo.git("config", "user.email", "test@example.invalid");
    await repo.git("config", "user.name", "Test");
    await repo.git("config", "commit.gpgsign", "false");
    await repo.write("package.json", packageJson(version));
    await repo.write("agent/package.json", workspaceJson("@core-ops/agent", version));
    await repo.write("harness/package.json", workspaceJson("@core-ops/harness", version));
    await repo.write("release/package.json", workspaceJson("@core-ops/release", version));
    await repo.write("package-lock.json", lockJson(version));
    await repo.write("CHANGELOG.md", CHANGELOG);
    await repo.write("changes/README.md", "# Release-intent fragments\n");
    await repo.write("README.md", "# core-ops\n");
    await repo.write("docs/guide.md", "# Guide\n");
    await repo.write("agent/src/apply.ts", "export const apply = 1;\n");
    await repo.write("agent/src/apply.test.ts", "// test\n");
    await repo.write("harness/src/run.ts", "export const run = 1;\n");
    await repo.commit("base");
    return repo;
  }

  async git(...args: string[]): Promise<string> {
    const r = await execa("git", args, { cwd: this.dir, env: { LC_ALL: "C" } });
    return r.stdout;
  }

  async write(file: string, text: string): Promise<void> {
    const p = path.join(this.dir, file);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, text);
  }

  async read(file: string): Promise<string> {
    return readFile(path.join(this.dir, file), "utf8");
  }

  async remove(file: string): Promise<void> {
    await rm(path.join(this.dir, file));
  }

  async commit(message: string): Promise<string> {
    await this.git("add", "-A");
    await this.git("commit", "-q", "--allow-empty", "-m", message);
    return (await this.git("rev-parse", "HEAD")).trim();
  }

  /** Sets the project version everywhere it is recorded (root, workspaces, lockfile). */
  async setVersion(version: string): Promise<void> {
    await this.write("package.json", packageJson(version));
    await this.write("agent/package.json", workspaceJson("@core-ops/agent", version));
    await this.write("harness/package.json", workspaceJson("@core-ops/harness", version));
    await this.write("release/package.json", workspaceJson("@core-ops/release", version));
    await this.write("package-lock.json", lockJson(version));
  }

  /** What `core-ops-release changelog` does: the generated block from the pending fragments. */
  async regenerateChangelog(): Promise<void> {
    await regenerateChangelog(this.dir, false);
  }

  async validate(opts: RangeOptions = { baseRef: "main" }): Promise<ValidationResult> {
    const git = await openReleaseGit(this.dir);
    return validateChangeSet(await collectValidationInput(git, opts));
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
