/**
 * Property: nothing outside `--root` changes (README "What CoreOps owns and where it writes").
 *
 * Random repositories with hostile names (`..`-like, temp-file-like, bad `[Install]` names, a mount whose
 * mountpoint sits under a symlink) are planned and applied — for real: real files, the real executor with
 * the offline-root ports — against a root whose directories and managed paths are symlinks aimed at a
 * sentinel directory next to the root (absolute links, relative links climbing with `..`, links to `/`).
 * After plan + apply + an apply that removes services, a snapshot of the sentinel (names, types, sizes,
 * modes, link targets, contents) is unchanged. Errors are allowed (a hostile repository may be refused);
 * escaping is not. Bounded: a fixed number of runs, a few seconds.
 */
import { createHash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApplyPorts } from "../cli/apply-ports.js";
import { loadDesiredState } from "../desired/load.js";
import { createHostObserver } from "../effects/fs-host-observer.js";
import { planHost } from "../plan/plan-host.js";
import { DEFAULT_QUADLET_DIR, DEFAULT_UNIT_DIR } from "../resources/from-desired.js";
import { backupDirFor } from "../state/backups.js";
import {
  neverRunReconciliation,
  readStatus,
  STATUS_SCHEMA_VERSION,
  type Status,
  writeStatusAtomic,
} from "../state/status.js";
import { controllerBlock, runApply } from "./run-apply.js";

const DIRS = { quadletDir: DEFAULT_QUADLET_DIR, unitDir: DEFAULT_UNIT_DIR };
const REVISIONS = ["a".repeat(40), "b".repeat(40)];

/** Names, types, sizes, modes, link targets and content digests of everything under `dir`. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    const st = lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out.push(`${rel} link ${readlinkSync(abs)}`);
    else if (st.isFile())
      out.push(
        `${rel} file ${mode} ${st.size} ${createHash("sha256").update(readFileSync(abs)).digest("hex")}`,
      );
    else if (st.isDirectory()) {
      out.push(`${rel} dir ${mode}`);
      for (const name of readdirSync(abs).sort()) walk(join(abs, name), `${rel}/${name}`);
    } else out.push(`${rel} other`);
  };
  walk(dir, ".");
  return out;
}

/** Host paths (logical) the agent reads or writes under the root; each may be made a hostile symlink. */
const LINK_PATHS = [
  "/etc",
  "/etc/containers",
  "/etc/containers/systemd",
  "/etc/systemd",
  "/etc/systemd/system",
  "/etc/systemd/system/timers.target.wants",
  "/etc/systemd/system/backup.timer",
  "/etc/containers/systemd/web.container",
  "/etc/containers/systemd/web.container.d",
  "/etc/web",
  "/etc/web/app.env",
  "/etc/web/sub",
  "/var",
  "/var/lib",
  "/var/lib/x",
  "/etc/passwd",
];

/** Link targets aimed at the sentinel (`S` = its absolute path, `s` = its name next to the root). */
const TARGETS = (sentinel: string, name: string): string[] => [
  sentinel,
  `${sentinel}/dir`,
  `${sentinel}/file`,
  `../${name}`,
  `../../${name}`,
  `../../../${name}/dir`,
  `../../../../../../../../${sentinel.slice(1)}`,
  "/",
  "/..",
  "..",
  `/../../${name}`,
  `/etc/../../${name}/file`,
];

/** Repository file names chosen to look like traversal, temp files or unit names. */
const CONFIG_NAMES = [
  "app.env",
  "..app",
  "...",
  ".app.env.core-ops-tmp-1-1",
  "a b",
  "x\\y",
  "ünïcode",
  "web.container",
];
const INSTALL_VALUES = [
  "timers.target",
  "multi-user.target",
  "../../../../sentinel.target",
  "a/b.target",
  "..target",
];

const scenario = fc.record({
  links: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: LINK_PATHS.length - 1 }), fc.nat(11)), {
    minLength: 1,
    maxLength: 4,
    selector: ([i]) => i,
  }),
  configs: fc.uniqueArray(fc.constantFrom(...CONFIG_NAMES), { minLength: 1, maxLength: 3 }),
  subdir: fc.boolean(),
  install: fc.constantFrom(...INSTALL_VALUES),
  mount: fc.boolean(),
  dropIn: fc.boolean(),
});

function repository(s: Scenario, services: string[]) {
  const files: Record<string, string> = {
    "hosts/h1/host.yaml": `host: h1\nservices: [${services.join(", ")}]\n`,
    "services/web/web.container": "[Container]\nImage=localhost/web:1\n",
    "services/backup/backup.service": "[Service]\nType=oneshot\nExecStart=/usr/bin/true\n",
    "services/backup/backup.timer": `[Timer]\nOnCalendar=daily\n\n[Install]\nWantedBy=${s.install}\n`,
    "services/keep/keep.container": "[Container]\nImage=localhost/keep:1\n",
  };
  for (const name of s.configs)
    files[`services/web/config/etc/web/${s.subdir ? "sub/" : ""}${name}`] = `${name}\n`;
  if (s.dropIn) files["services/web/web.container.d/10-x.conf"] = "[Container]\nEnvironment=A=1\n";
  if (s.mount)
    files["services/backup/var-lib-x.mount"] = "[Mount]\nWhat=tmpfs\nWhere=/var/lib/x\nType=tmpfs\n";
  return files;
}

type Scenario = {
  links: [number, number][];
  configs: string[];
  subdir: boolean;
  install: string;
  mount: boolean;
  dropIn: boolean;
};

async function applyOnce(repo: string, root: string, stateFile: string, revision: string): Promise<void> {
  const desired = await loadDesiredState(repo, "h1", { kind: "git", repository: repo, revision });
  const read = await readStatus(stateFile);
  const status = read.kind === "ok" ? read.status : null;
  const observer = createHostObserver({ root });
  await planHost({ desired, dirs: DIRS, observer, stateMode: "tracked", status });
  await runApply({
    desired,
    dirs: DIRS,
    observer,
    stateMode: "tracked",
    status,
    stateFile,
    ports: createApplyPorts(root, DIRS, backupDirFor(stateFile)),
    noReload: true,
    allowMassDelete: true,
    rollback: null,
    notes: [],
    settleMs: 0,
  });
}

/** Applies that ran to the end (the property must not pass only because everything was refused). */
let completed = 0;

async function run(s: Scenario): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), "confinement-"));
  try {
    const root = join(base, "root");
    const name = "sentinel";
    const sentinel = join(base, name);
    const stateFile = join(base, "state", "status.json");
    mkdirSync(root);
    mkdirSync(join(sentinel, "dir"), { recursive: true });
    writeFileSync(join(sentinel, "file"), "do not touch\n");
    writeFileSync(join(sentinel, "dir", "app.env"), "sentinel copy\n");
    mkdirSync(join(sentinel, "etc", "web"), { recursive: true });
    writeFileSync(join(sentinel, "etc", "web", "app.env"), "sentinel etc\n");
    const targets = TARGETS(sentinel, name);
    for (const [i, t] of s.links) {
      const link = join(root, LINK_PATHS[i] as string);
      try {
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(targets[t] as string, link);
      } catch {
        // a parent is already a link: that layout is covered by the parent's link
      }
    }
    await writeStatusAtomic(stateFile, {
      schema_version: STATUS_SCHEMA_VERSION,
      controller: controllerBlock(),
      desired_state: {
        repository: "property",
        requested_ref: "main",
        last_observed_revision: null,
        last_observed_at: null,
      },
      reconciliation: neverRunReconciliation(),
      hold: null,
      inventory: [],
    } satisfies Status);
    const before = snapshot(sentinel);

    const steps: [string[], string][] = [
      [["web", "backup", "keep"], REVISIONS[0] as string],
      [["keep"], REVISIONS[1] as string],
    ];
    for (const [services, revision] of steps) {
      const repo = join(base, `repo-${revision.slice(0, 1)}`);
      for (const [rel, text] of Object.entries(repository(s, services))) {
        mkdirSync(dirname(join(repo, rel)), { recursive: true });
        writeFileSync(join(repo, rel), text);
      }
      try {
        await applyOnce(repo, root, stateFile, revision);
        completed += 1;
      } catch {
        // refused repositories and impossible layouts are fine; escaping the root is not
      }
    }
    expect(snapshot(sentinel)).toEqual(before);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

describe("confinement property", () => {
  it("plan + apply + apply-with-removals never change anything outside --root", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        await run(s as Scenario);
      }),
      { numRuns: 25, seed: 20261130, endOnFailure: true },
    );
    // At least a fifth of the 50 applies ran to the end (the rest were refused or hit impossible layouts).
    expect(completed).toBeGreaterThanOrEqual(10);
  }, 60_000);
});
