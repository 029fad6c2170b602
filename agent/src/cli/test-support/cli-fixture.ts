/**
 * Integration-test support: a real git repository of desired state in a temp dir, and the compiled
 * `core-ops` CLI (agent/dist, built by `npm test`'s build:ts) run as a real process against an offline
 * root, with private state, snapshot and lock paths.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { git } from "../../desired/test-support/git.js";

/** The compiled CLI of this checkout; CORE_OPS_TEST_CLI runs the same tests against another build (e.g. main's). */
export const CLI =
  process.env.CORE_OPS_TEST_CLI ||
  join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "dist", "cli", "main.js");

export type Tree = Record<string, string>;

export class Fixture {
  readonly dir = mkdtempSync(join(tmpdir(), "core-ops-it-"));
  readonly repo = join(this.dir, "repo");
  readonly root = join(this.dir, "root");
  readonly stateFile = join(this.dir, "state", "status.json");
  readonly lockPath = join(this.dir, "run", "agent.lock");

  constructor() {
    mkdirSync(this.repo, { recursive: true });
    git(this.repo, "init", "-q", "-b", "main");
  }

  /** Replaces the repository's tree with `tree`, commits, tags, and returns the full revision. */
  commit(tree: Record<string, string | Buffer>, tag: string): string {
    for (const entry of git(this.repo, "ls-files").split("\n").filter(Boolean))
      rmSync(join(this.repo, entry), { force: true });
    for (const [rel, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(this.repo, rel)), { recursive: true });
      writeFileSync(join(this.repo, rel), text);
    }
    git(this.repo, "add", "-A");
    git(this.repo, "commit", "-q", "--allow-empty", "-m", tag);
    git(this.repo, "tag", "-f", tag);
    return git(this.repo, "rev-parse", "HEAD");
  }

  /** Moves branch `main` to a tag (what a release manager does; the working tree is not touched). */
  moveMain(tag: string): void {
    git(this.repo, "update-ref", "refs/heads/main", git(this.repo, "rev-parse", `${tag}^{commit}`));
  }

  args(extra: string[] = []): string[] {
    return [
      "--root",
      this.root,
      "--state-file",
      this.stateFile,
      "--lock-path",
      this.lockPath,
      "--host",
      "h1",
      ...extra,
    ];
  }

  run(
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      encoding: "utf8",
      // The fixture's lock unless the test says otherwise (never the host's /run/core-ops).
      env: { ...process.env, CORE_OPS_LOCK_PATH: this.lockPath, ...env },
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  spawnApply(extra: string[] = []) {
    return spawn(process.execPath, [CLI, "apply", ...this.args(extra)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CORE_OPS_LOCK_PATH: this.lockPath },
    });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A small layered repository: a container with a rendered env file, a volume, a native timer pair. */
export function demoTree(version: string, extra: { services?: string[] } = {}): Tree {
  const services = extra.services ?? ["web", "backup"];
  const tree: Tree = {
    "hosts/h1/host.yaml": `host: h1\nservices: [${services.join(", ")}]\n`,
    "services/web/web.container": `[Unit]\nRequires=data-volume.service\n\n[Container]\nImage=localhost/web:${version}\nEnvironmentFile=/etc/web/app.env\nVolume=data.volume:/data\n`,
    "services/web/data.volume": "[Volume]\n",
    "services/web/config/etc/web/app.env": `VERSION=${version}\n`,
    "services/backup/backup.service": `[Service]\nType=oneshot\nExecStart=/usr/bin/echo backup ${version}\n`,
    "services/backup/backup.timer": "[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=timers.target\n",
  };
  for (const s of services)
    if (!["web", "backup"].includes(s))
      tree[`services/${s}/${s}.container`] = `[Container]\nImage=localhost/${s}:${version}\n`;
  return tree;
}
