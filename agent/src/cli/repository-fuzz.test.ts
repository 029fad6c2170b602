/**
 * Fuzz: `plan` and `apply --root` over generated hostile repository trees (real files, real directories,
 * symlinks, FIFOs, names that are not UTF-8) through the in-process CLI entry and its exit-code mapping.
 * Every failure must be typed: exit code in {1, 2, 64, 65}, an `error[code]:` line naming a file or a flag,
 * and no stack trace. Bounded to a few seconds (see the README's note on `npm test`).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { showFileName } from "../desired/file-name-bytes.js";
import { main } from "./program.js";

const DEMO = join(import.meta.dirname, "..", "..", "..", "repos", "layered-demo", "v1");
const TYPED_EXIT = [1, 2, 64, 65];
const STACK_LINE = /\n\s+at .+[(:]\d+/;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "core-ops-fuzz-"));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Directories of the demo tree where a hostile entry is most likely to reach deep code. */
const ANCHORS = [
  "",
  "services",
  "services/frontend",
  "services/frontend/frontend.container.d",
  "services/frontend/config",
  "services/frontend/config/etc",
  "services/frontend/config/etc/frontend",
  "services/whoami",
  "hosts",
  "hosts/demo-uat",
  "hosts/demo-uat/overrides",
  "hosts/demo-uat/overrides/config/etc",
  "hosts/demo-uat/overrides/frontend.container.d",
] as const;

/** Files of the demo tree whose content the fuzzer replaces. */
const TARGETS = [
  "hosts/demo-uat/host.yaml",
  "services/frontend/frontend.container",
  "services/frontend/frontend-data.volume",
  "services/whoami/whoami.container",
  "services/whoami/whoami.env",
  "services/frontend/config/etc/frontend/Caddyfile",
  "hosts/demo-uat/overrides/frontend.container.d/50-uat.conf",
] as const;

const aliasBomb = (levels: number): string => {
  const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i <= levels; i++) {
    const prev = `*a${i - 1}`;
    lines.push(`a${i}: &a${i} [${Array(9).fill(prev).join(",")}]`);
  }
  return `${lines.join("\n")}\nhost: demo-uat\nservices: *a${levels}\n`;
};

const unitLine = fc.constantFrom(
  "[Unit]",
  "[Service]",
  "[Container]",
  "[Install]",
  "[X-CoreOps]",
  "[Mount]",
  "[Kube]",
  "[Volume]",
  "Description=fuzz",
  "Image=docker.io/library/caddy:2",
  "ExecStart=/bin/true",
  "WantedBy=multi-user.target",
  "WantedBy=../../etc/passwd",
  "RequiredBy=x y z",
  "Alias=foo.service",
  "Where=/var/lib/x",
  "What=nas:/x",
  "Type=nfs",
  "CreateMountpoint=maybe",
  "Foo=bar",
  "ServiceName=",
  "ServiceName=../x",
  "Yaml=../../../etc/passwd",
  "Yaml=kube.yaml",
  "EnvironmentFile=whoami.env",
  "EnvironmentFile=../x.env",
  "EnvironmentFile=/etc/frontend/Caddyfile",
  "Volume=frontend-data.volume:/data",
  "Volume=/etc/frontend:/x:ro",
  "Network=nope.network",
  "Pod=nope.pod",
  "ContainersConfModule=../../x.conf",
  "Requires=frontend.service",
  "After=missing.mount",
  "RequiresMountsFor=/var/lib/immich",
  "# comment",
  "; comment",
  "Key=value \\",
  "  continued",
  "=novalue",
  "[",
  "]",
  "Description=\u0000",
);

/** Text and bytes a hostile repository may hold. */
const content: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.array(unitLine, { maxLength: 12 }).map((l) => `${l.join("\n")}\n`),
  fc.array(unitLine, { maxLength: 12 }).map((l) => `\ufeff${l.join("\r\n")}\r\n`),
  fc.constantFrom(
    aliasBomb(9),
    aliasBomb(3),
    "host: demo-uat\nservices: [frontend, whoami]\n",
    "\ufeffhost: demo-uat\r\nservices: [frontend]\r\n",
    "host: 5\nservices: {a: 1}\n",
    "host: demo-uat\nservices: [1, null, [x]]\n",
    "host: demo-uat\nservices: [frontend, frontend]\n",
    "host: demo-uat\nservices: [nope]\n",
    "host: demo-uat\nservices: []\nextra: 1\n",
    "host: !!binary aGVsbG8=\nservices: []\n",
    "x: &x {host: demo-uat}\n<<: *x\nservices: []\n",
    "host: demo-uat\nservices: [frontend]\n---\nhost: b\n",
    "- a\n- b\n",
    "host: [demo-uat\n",
    "host: demo-uat\nservices: &s [*s]\n",
    `[Unit]\nDescription=${"x".repeat(200_000)}\n`,
    `host: demo-uat\nservices: [${"y".repeat(100_000)}]\n`,
  ),
);

/** One path segment: plain, odd, or not UTF-8 at all (a Buffer). */
const segment: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom(
    "x.service",
    "x@.service",
    "x@a.service",
    "a b.service",
    "-x.service",
    "x.container",
    "x.volume",
    "x.network",
    "x.pod",
    "x.kube",
    "x.image",
    "x.build",
    "x.mount",
    "var-lib-x.mount",
    "x.automount",
    "x.socket",
    "x.timer",
    "x.target",
    "x.path",
    "kube.yaml",
    "whoami.env",
    "frontend.container.d",
    "whoami.container.d",
    "x.service.d",
    "10-a.conf",
    "00-a.conf",
    "99-z.conf",
    "a.txt",
    "host.yaml",
    "overrides",
    "config",
    "etc",
    "demo-uat",
    "frontend",
    "newsvc",
    ".hidden",
    "é.service",
    "ünïcode",
    "a\\x2db.service",
    "line\nbreak",
    "tab\there",
    "\u202ertl.service",
    ".git",
  ),
  fc.constantFrom(
    Buffer.from([0xff, 0xfe]),
    Buffer.from([0x61, 0xc3, 0x28, 0x2e, 0x73, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65]), // "a\xc3(.service"
    Buffer.from([0x80, 0x2e, 0x63, 0x6f, 0x6e, 0x66]), // "\x80.conf"
  ),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@:\\-]{0,20}$/),
);

type Mutation =
  | { op: "add"; anchor: string; name: string | Buffer; kind: "file"; content: string | Buffer }
  | { op: "add"; anchor: string; name: string | Buffer; kind: "dir" | "fifo" }
  | { op: "add"; anchor: string; name: string | Buffer; kind: "symlink"; target: string }
  | { op: "rewrite"; target: string; content: string | Buffer }
  | { op: "to-dir"; target: string }
  | { op: "remove"; target: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant("add" as const),
    anchor: fc.constantFrom(...ANCHORS),
    name: segment,
    kind: fc.constant("file" as const),
    content,
  }),
  fc.record({
    op: fc.constant("add" as const),
    anchor: fc.constantFrom(...ANCHORS),
    name: segment,
    kind: fc.constantFrom("dir" as const, "fifo" as const),
  }),
  fc.record({
    op: fc.constant("add" as const),
    anchor: fc.constantFrom(...ANCHORS),
    name: segment,
    kind: fc.constant("symlink" as const),
    target: fc.constantFrom(
      "/etc/passwd",
      "/dev/null",
      "/dev/zero",
      "../../../../../../etc",
      "nowhere",
      ".",
      "..",
      "frontend.container",
      "whoami.env",
      "config",
      "loop",
    ),
  }),
  fc.record({ op: fc.constant("rewrite" as const), target: fc.constantFrom(...TARGETS), content }),
  fc.record({ op: fc.constant("to-dir" as const), target: fc.constantFrom(...TARGETS) }),
  fc.record({ op: fc.constant("remove" as const), target: fc.constantFrom(...TARGETS, ...ANCHORS.slice(1)) }),
);

function bufferPath(dir: string, name: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), typeof name === "string" ? Buffer.from(name) : name]);
}

/** Applies mutations to a real tree; a mutation the file system refuses (name clash) is skipped. */
function mutate(root: string, mutations: Mutation[]): void {
  for (const m of mutations) {
    try {
      if (m.op === "add") {
        const dir = join(root, m.anchor);
        mkdirSync(dir, { recursive: true });
        const p = bufferPath(dir, m.name);
        if (m.kind === "file") writeFileSync(p, m.content);
        else if (m.kind === "dir") mkdirSync(p);
        else if (m.kind === "symlink") symlinkSync(m.target, p);
        else
          execFileSync("mkfifo", [typeof m.name === "string" ? m.name : "fifo"], {
            cwd: dir,
            stdio: "ignore",
          });
      } else if (m.op === "rewrite") {
        writeFileSync(join(root, m.target), m.content);
      } else if (m.op === "to-dir") {
        rmSync(join(root, m.target), { recursive: true, force: true });
        mkdirSync(join(root, m.target), { recursive: true });
      } else {
        rmSync(join(root, m.target), { recursive: true, force: true });
      }
    } catch {
      // e.g. EEXIST, ENOENT after an earlier removal: the tree simply does not get this mutation
    }
  }
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with stdout and stderr captured. */
async function runInProcess(args: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(["node", "core-ops", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The typed-failure contract; returns what is wrong, or null. */
function untypedFailure(r: CliResult, repo: string): string | null {
  if (r.code === 0) return null;
  if (!TYPED_EXIT.includes(r.code)) return `exit code ${r.code} is not one of ${TYPED_EXIT.join(", ")}`;
  if (r.stderr.includes("internal error")) return "internal error";
  if (STACK_LINE.test(r.stderr)) return "stack trace on stderr";
  const first = r.stderr.split("\n").find((l) => l.startsWith("error["));
  // An apply that ran and did not converge reports its outcome (the result view) instead of an error.
  if (first === undefined) return /^Outcome: /m.test(r.stdout) ? null : "no error[code] line";
  // `error[code]: <file>[:line]: message`, the file absolute or repository-relative — or a flag named.
  const tops = [
    "hosts",
    "services",
    ...readdirSync(repo, { encoding: "buffer" }).map((n) => showFileName(n)),
  ];
  const where = first.replace(/^error\[[a-z0-9_]+\]: /, "");
  if (!where.startsWith("/") && !tops.some((t) => where.startsWith(`${t}/`) || where.startsWith(`${t}:`)))
    if (!/--[a-z]/.test(r.stderr)) return "the error names neither a file nor a flag";
  return null;
}

describe("hostile repository trees", () => {
  it("plan and offline apply fail only with typed errors", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const case_ = join(work, `case-${n++}`);
        const repo = join(case_, "repo");
        cpSync(DEMO, repo, { recursive: true });
        mutate(repo, mutations);
        const root = join(case_, "root");
        mkdirSync(root);
        const plan = await runInProcess([
          "plan",
          "--source-repo",
          repo,
          "--host",
          "demo-uat",
          "--root",
          root,
        ]);
        expect(untypedFailure(plan, repo), plan.stderr).toBeNull();
        const apply = await runInProcess([
          "apply",
          "--source-repo",
          repo,
          "--host",
          "demo-uat",
          "--root",
          root,
          "--force-no-state",
          "--lock-path",
          join(case_, "agent.lock"),
        ]);
        expect(untypedFailure(apply, repo), apply.stderr).toBeNull();
        // Kept on failure, for a look at the tree.
        rmSync(case_, { recursive: true, force: true });
      }),
      // At most 150 trees and 10 s, whichever comes first (the machine may be busy).
      { numRuns: 150, interruptAfterTimeLimit: 10_000, markInterruptAsFailure: false, endOnFailure: true },
    );
  });
});
