/**
 * Golden transcripts of the BUILT CLI (`npm test` builds first) for every repository in repos/: each
 * revision vN is committed into a real git repository, tracked with `init`, then `plan` (JSON, human,
 * verbose), `explain` (first and last planned object, JSON and human), `apply --root` (JSON on one root,
 * human on a twin root) and `status` (JSON and human) run as real processes. The transcripts live in
 * agent/test-fixtures/goldens/<repo>--<host>.txt; only what test-support/normalize.ts documents is normalized, so
 * any other change of an output byte fails this test. `GOLDEN_UPDATE=1 npm test` rewrites them.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { git } from "../desired/test-support/git.js";
import { type NormalizeContext, normalizeOutput } from "./test-support/normalize.js";

const AGENT = join(import.meta.dirname, "..", "..");
const REPOS = join(AGENT, "..", "repos");
const GOLDENS = join(AGENT, "test-fixtures", "goldens");
const PROGRAM = join(AGENT, "dist", "cli", "program.js");
const UPDATE = process.env.GOLDEN_UPDATE === "1";

// Fixed commit dates: the fixture's git revisions are the same on every run.
const GIT_DATES = { GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z" };
Object.assign(process.env, GIT_DATES);

const work = mkdtempSync(join(tmpdir(), "core-ops-golden-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const buildInfo = JSON.parse(readFileSync(join(AGENT, "dist", "build-info.json"), "utf8")) as {
  version: string;
  revision: string;
  tree_state: string;
  build_time: string | null;
};
const ctx: NormalizeContext = { tmp: work, build: buildInfo };

/** The revisions of a repository: its vN directories in order, or the repository itself. */
function revisions(repo: string): { name: string; dir: string }[] {
  const dir = join(REPOS, repo);
  const vs = readdirSync(dir)
    .filter((d) => /^v\d+$/.test(d))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  return vs.length === 0 ? [{ name: "v1", dir }] : vs.map((v) => ({ name: v, dir: join(dir, v) }));
}

function hostsOf(repo: string): string[] {
  const hosts = new Set<string>();
  for (const r of revisions(repo))
    if (existsSync(join(r.dir, "hosts"))) for (const h of readdirSync(join(r.dir, "hosts"))) hosts.add(h);
  return [...hosts].sort();
}

function readTree(dir: string): Record<string, Buffer> {
  const tree: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else tree[relative(dir, p)] = readFileSync(p);
    }
  };
  walk(dir);
  return tree;
}

/** One git repository and two twin hosts (state + root): "a" applies with --json, "b" in human form. */
class Site {
  readonly repo: string;
  constructor(
    readonly dir: string,
    readonly host: string,
  ) {
    this.repo = join(dir, "repo");
    mkdirSync(this.repo, { recursive: true });
    git(this.repo, "init", "-q", "-b", "main");
  }
  commit(treeDir: string, tag: string): void {
    for (const entry of git(this.repo, "ls-files").split("\n").filter(Boolean))
      rmSync(join(this.repo, entry), { force: true });
    for (const [rel, bytes] of Object.entries(readTree(treeDir))) {
      mkdirSync(join(this.repo, rel, ".."), { recursive: true });
      writeFileSync(join(this.repo, rel), bytes);
    }
    git(this.repo, "add", "-A");
    git(this.repo, "commit", "-q", "--allow-empty", "-m", tag);
    git(this.repo, "tag", "-f", tag);
  }
  args(twin: "a" | "b"): string[] {
    const d = join(this.dir, twin);
    return ["--root", join(d, "root"), "--state-file", join(d, "state", "status.json"), "--host", this.host];
  }
  stateArgs(twin: "a" | "b"): string[] {
    const d = join(this.dir, twin);
    return ["--state-file", join(d, "state", "status.json"), "--lock-path", join(d, "run", "agent.lock")];
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

type Main = (argv: string[]) => Promise<number>;
const { main } = (await import(PROGRAM)) as { main: Main };

/**
 * Runs the built program in this process (a process per command would cost minutes here): stdout and
 * stderr captured, the environment a host would give it. Runs are serialized: they share process.env.
 */
let queue: Promise<unknown> = Promise.resolve();
function cli(args: string[], lockPath: string): Promise<Run> {
  const run = queue.then(async () => {
    const saved = { env: process.env, out: process.stdout.write, err: process.stderr.write };
    const out: string[] = [];
    const err: string[] = [];
    const capture = (into: string[]) =>
      ((chunk: string | Uint8Array) => {
        into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      }) as typeof process.stdout.write;
    process.env = {
      ...saved.env,
      CORE_OPS_STATE_FILE: "",
      CORE_OPS_HOST: "",
      CORE_OPS_LOCK_PATH: lockPath,
    };
    process.stdout.write = capture(out);
    process.stderr.write = capture(err);
    try {
      const code = await main(["node", "core-ops", ...args]);
      return { code, stdout: out.join(""), stderr: err.join("") };
    } finally {
      process.stdout.write = saved.out;
      process.stderr.write = saved.err;
      process.env = saved.env;
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

async function transcript(repo: string, host: string): Promise<string> {
  const site = new Site(join(work, `${repo}--${host}`), host);
  const lock = (t: "a" | "b") => join(site.dir, t, "run", "agent.lock");
  const parts: string[] = [];
  const record = async (label: string, args: string[], twin: "a" | "b" = "a") => {
    const r = await cli(args, lock(twin));
    parts.push(
      `=== ${label} (exit ${r.code})\n--- stdout\n${normalizeOutput(r.stdout, ctx)}--- stderr\n${normalizeOutput(r.stderr, ctx)}`,
    );
    return r;
  };
  const revs = revisions(repo);
  for (const [i, rev] of revs.entries()) {
    site.commit(rev.dir, rev.name);
    if (i === 0)
      for (const t of ["a", "b"] as const)
        await record(`${rev.name} init (${t})`, ["init", site.repo, "main", ...site.stateArgs(t)], t);
    const plan = await record(`${rev.name} plan --json`, ["plan", ...site.args("a"), "--json"]);
    await record(`${rev.name} plan`, ["plan", ...site.args("a")]);
    await record(`${rev.name} plan -v`, ["plan", ...site.args("a"), "-v"]);
    const ids = plannedIds(plan.stdout);
    for (const id of [...new Set([ids[0], ids.at(-1)])].filter((x): x is string => x !== undefined)) {
      await record(`${rev.name} explain ${id} --json`, ["explain", id, ...site.args("a"), "--json"]);
      await record(`${rev.name} explain ${id}`, ["explain", id, ...site.args("a")]);
    }
    await record(`${rev.name} apply --json`, ["apply", ...site.args("a"), "--json"]);
    await record(`${rev.name} apply`, ["apply", ...site.args("b")], "b");
    await record(`${rev.name} status --json`, ["status", ...site.stateArgs("a"), "--json"]);
    await record(`${rev.name} status`, ["status", ...site.stateArgs("b")], "b");
  }
  await record("after plan --json", ["plan", ...site.args("a"), "--json"]);
  await record("after plan", ["plan", ...site.args("a")]);
  return parts.join("\n");
}

function plannedIds(stdout: string): string[] {
  try {
    const view = JSON.parse(stdout) as { entries?: { object: { display_id: string } }[] };
    return (view.entries ?? []).map((e) => e.object.display_id);
  } catch {
    return [];
  }
}

const cases = readdirSync(REPOS)
  .sort()
  .flatMap((repo) => hostsOf(repo).map((host) => ({ repo, host })));

describe("golden CLI transcripts of repos/", () => {
  it("covers every repository in repos/", () => {
    // Every repository with a hosts/ directory in any revision is a desired-state repository.
    const desiredStateRepos = readdirSync(REPOS).filter((r) =>
      revisions(r).some((v) => existsSync(join(v.dir, "hosts"))),
    );
    expect(desiredStateRepos.length).toBeGreaterThan(15);
    expect(new Set(cases.map((c) => c.repo))).toEqual(new Set(desiredStateRepos));
  });
  for (const { repo, host } of cases)
    it(`${repo} (${host})`, async () => {
      const actual = await transcript(repo, host);
      const file = join(GOLDENS, `${repo}--${host}.txt`);
      if (UPDATE) {
        mkdirSync(GOLDENS, { recursive: true });
        writeFileSync(file, actual);
      }
      expect(existsSync(file), `${file} is missing: run GOLDEN_UPDATE=1 npm test`).toBe(true);
      expect(actual).toBe(readFileSync(file, "utf8"));
    });
});
