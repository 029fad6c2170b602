#!/usr/bin/env node
// `npm run bench:guest`: where the agent's time goes inside one real guest. Boots one VM (like a scenario:
// the built agent binary and a fixture repository delivered read-only) and prints, median of BENCH_RUNS
// (default 5), the wall time measured inside the guest of
//   1. `core-ops --version`;
//   2. a no-op `core-ops agent` (tracked ref converged);
//   3. `core-ops apply` of a one-object change (frontend.container of repos/frontend-history/v1 gains one
//      Environment= line, and loses it again on the next run);
//   4. `core-ops apply` of a ten-object change (that container plus nine native worker services);
// with the per-phase durations the result view carries (`durations`), any stop-timeout warnings, and, in the
// same guest and the same run, the floors: what the same work costs without the agent —
//   the ssh round trip (`/bin/true` over SSH, measured on this host: what every harness step pays on top),
//   a bare start of the Node 24 runtime the binary embeds (`node -e 0`, the pinned runtime delivered as is),
//   `git ls-remote` and `git rev-parse` of the guest's fixture repository, the two git commands resolution
//   runs (fetch + checkout into an empty repository), `systemctl show`, `systemctl daemon-reload` and
//   `systemctl restart` of the units the applies restart.
// Each agent figure is printed against its floor (the sum of what it cannot avoid) and the overhead above it.
// One extra no-op agent runs with git, systemctl and podman shimmed on PATH, and every process it spawned is listed
// with its wall time (the shim's own cost is in those figures; that run is not part of the medians).
// Targets (README "Speed in a guest"): --version ≤ 0.5 s, no-op agent ≤ 2.5 s, one-object apply ≤ 5 s.
// The host's load average is printed at the start and the end: figures from a loaded machine mean less.
// BENCH_JSON=1 adds one JSON line per measurement on stdout.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureCopyCommand, GUEST_FIXTURE_DIR } from "../harness/dist/fixtures/guest-delivery.js";
import { materializeHistory } from "../harness/dist/fixtures/repository-evolution.js";
import { generateRunSecrets } from "../harness/dist/ignition/run-secrets.js";
import { prepareSubstrate } from "../harness/dist/run/substrate.js";
import { shellJoin } from "../harness/dist/steps/shell.js";
import { printReport } from "./bench-guest-report.mjs";
import { pinnedRuntime } from "./pinned-runtime.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.env.BENCH_RUNS ?? 5);
const jsonLines = process.env.BENCH_JSON === "1";
const HOST = "verify-host";
// BENCH_BEFORE_BINARY=<an older built core-ops>: its no-op agent is timed too, in the same guest and run.
const beforeBinary = process.env.BENCH_BEFORE_BINARY;
const WORKERS = 9;
const log = (line) => process.stderr.write(`${line}\n`);

// ---- the fixture: frontend-history/v1 plus nine native workers, in three revisions ----
function writeTree(dir, { frontendLine, workerLine }) {
  cpSync(join(root, "repos", "frontend-history", "v1"), dir, { recursive: true });
  const container = join(dir, "services", "frontend", "frontend.container");
  if (frontendLine) {
    const text = readFileSync(container, "utf8").replace("[Container]\n", `[Container]\n${frontendLine}\n`);
    writeFileSync(container, text);
  }
  mkdirSync(join(dir, "services", "worker"), { recursive: true });
  for (let i = 1; i <= WORKERS; i++) {
    writeFileSync(
      join(dir, "services", "worker", `worker-${i}.service`),
      [
        "[Unit]",
        `Description=bench:guest worker ${i}`,
        "",
        "[Service]",
        ...(workerLine ? [workerLine] : []),
        "ExecStart=/bin/sleep infinity",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    );
  }
  const hostFile = join(dir, "hosts", HOST, "host.yaml");
  writeFileSync(hostFile, `${readFileSync(hostFile, "utf8").trimEnd()}\n  - worker\n`);
}

const work = mkdtempSync(join(tmpdir(), "bench-guest-"));
const trees = join(work, "repos", "bench-guest");
writeTree(join(trees, "r0"), {});
writeTree(join(trees, "r1"), { frontendLine: "Environment=BENCH_REVISION=r1" });
writeTree(join(trees, "r2"), {
  frontendLine: "Environment=BENCH_REVISION=r2",
  workerLine: "Environment=BENCH_REVISION=r2",
});
const repo = await materializeHistory(
  join(work, "repos"),
  "bench-guest",
  ["r0", "r1", "r2"],
  join(work, "repo"),
);

// ---- the guest ----
const { hypervisor, agentBinary } = await prepareSubstrate(root, log);
const accel = hypervisor.domainType === "kvm" ? "KVM" : `TCG (${hypervisor.domainTypeReason})`;
log(`bench:guest: accelerator ${accel}; agent ${agentBinary}`);
const runId = `bench-guest-${process.pid}`;
const machine = await hypervisor.createLibvirtMachine({
  runId,
  secrets: generateRunSecrets(runId),
  vcpus: 2,
  memoryMiB: 1024,
  runDir: join(work, "machine"),
  deliveries: [
    { name: "fixture-repo", hostPath: repo.path },
    { name: "core-ops", hostPath: agentBinary },
    { name: "node", hostPath: pinnedRuntime(root) },
    ...(beforeBinary ? [{ name: "core-ops-before", hostPath: beforeBinary }] : []),
  ],
});

const sec = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "n/a");

async function must(command, timeoutMs = 300_000) {
  const r = await machine.exec(command, { timeoutMs });
  if (r.exitCode !== 0 || r.timedOut)
    throw new Error(`guest: ${command} → exit ${r.exitCode}${r.timedOut ? " (timed out)" : ""}\n${r.stderr}`);
  return r.stdout;
}

/** Runs argv in the guest as root; the wall time is taken inside the guest (no SSH overhead). */
async function timed(argv, { okExit = [0] } = {}) {
  const script = 's=$(date +%s%N); "$@"; rc=$?; e=$(date +%s%N); echo "BENCH_NS $((e - s))" >&2; exit $rc';
  const r = await machine.exec(`sh -c ${shellJoin([script, "sh", ...argv])}`, { timeoutMs: 600_000 });
  const ns = /BENCH_NS (\d+)/.exec(r.stderr);
  if (!ns || !okExit.includes(r.exitCode))
    throw new Error(`guest: ${argv.join(" ")} → exit ${r.exitCode}\n${r.stdout.slice(-2000)}\n${r.stderr}`);
  return { ms: Number(ns[1]) / 1e6, stdout: r.stdout, stderr: r.stderr };
}

const bin = machine.deliveredPath("core-ops");
const url = `file://${GUEST_FIXTURE_DIR}`;
const init = (rev) => must(shellJoin([bin, "init", url, rev, "--force"]));
const apply = () => timed([bin, "apply", "--host", HOST, "--json"]);
const results = {};
const add = (name, row) => {
  if (!results[name]) results[name] = [];
  results[name].push(row);
  if (jsonLines) process.stdout.write(`${JSON.stringify({ measurement: name, ...row })}\n`);
};

function applyRow(r, expectChanged) {
  const view = JSON.parse(r.stdout);
  if (!/^converged/.test(view.outcome))
    throw new Error(`apply did not converge: ${view.outcome} ${view.summary.message}`);
  if (view.summary.changed_count !== expectChanged)
    throw new Error(`apply changed ${view.summary.changed_count} objects, expected ${expectChanged}`);
  return {
    ms: r.ms,
    durations: view.durations ?? null,
    warnings: (view.warnings ?? []).map((w) => w.detail),
    systemctl_calls: view.summary.systemctl_calls,
  };
}

/** Shims for git, systemctl and podman on PATH: each call appends "<start ns> <wall ms> <argv>" to SPAWN_LOG. */
// Not under /run: it is mounted noexec in the guest, and a shim there would be skipped silently.
const SHIM_DIR = "/var/tmp/core-ops-bench/shims";
const SPAWN_LOG = "/var/tmp/core-ops-bench/spawns.log";
async function installShims() {
  for (const name of ["git", "systemctl", "podman"]) {
    const real = (await must(`sh -c ${shellJoin([`command -v ${name}`])}`)).trim();
    const shim = [
      "#!/bin/sh",
      `s=$(date +%s%N); ${real} "$@"; rc=$?; e=$(date +%s%N)`,
      `echo "$s $(( (e - s) / 1000000 )) ${name} $*" >> ${SPAWN_LOG}`,
      "exit $rc",
      "",
    ].join("\n");
    const b64 = Buffer.from(shim).toString("base64");
    await must(
      `sh -c ${shellJoin([`mkdir -p ${SHIM_DIR} && echo ${b64} | base64 -d > ${SHIM_DIR}/${name} && chmod 755 ${SHIM_DIR}/${name}`])}`,
    );
  }
}

/** One no-op agent with the shims on PATH: every git/systemctl/podman process it started, in order, with its wall time. */
async function traceNoOpAgent() {
  const script = `rm -f ${SPAWN_LOG}; echo "START $(date +%s%N)"; PATH=${SHIM_DIR}:$PATH "$@" >/dev/null; echo "END $(date +%s%N)"; cat ${SPAWN_LOG}`;
  const out = await must(`sh -c ${shellJoin([script, "sh", bin, "agent", "--host", HOST])}`);
  const start = Number(/START (\d+)/.exec(out)[1]);
  const end = Number(/END (\d+)/.exec(out)[1]);
  const spawns = out
    .split("\n")
    .map((l) => /^(\d+) (\d+) (\S+) (.*)$/.exec(l))
    .filter(Boolean)
    .map(([, at, ms, name, args]) => ({
      at_ms: (Number(at) - start) / 1e6,
      ms: Number(ms),
      // git's hardening `-c` pairs say nothing about what ran: keep the command itself.
      command: `${name} ${args.replace(/^(-c \S+ )*/, "").replace(/ --property=\S+/, "")}`.slice(0, 90),
    }));
  return { total_ms: (end - start) / 1e6, spawns };
}

const node = machine.deliveredPath("node");
/** The same two git commands resolution runs (git-source.ts), in a fresh empty repository. */
const resolutionGit = [
  "d=$(mktemp -d) && mkdir -p $d/.git/objects $d/.git/refs && echo 'ref: refs/heads/main' > $d/.git/HEAD",
  `git -C $d -c maintenance.auto=false fetch --quiet --no-tags --depth 1 -- ${url} r0`,
  "git -C $d -c advice.detachedHead=false checkout --quiet --detach FETCH_HEAD",
  "rm -rf $d",
].join(" && ");
/** What resolution ran before (git-source.ts until 0.3.0): init, fetch with auto-maintenance, checkout, rev-parse. */
const resolutionGitBefore = [
  "d=$(mktemp -d) && git -C $d -c init.defaultBranch=main init --quiet .",
  `git -C $d fetch --quiet --no-tags --depth 1 -- ${url} r0`,
  "git -C $d -c advice.detachedHead=false checkout --quiet --detach FETCH_HEAD",
  "git -C $d rev-parse --verify 'HEAD^{commit}' >/dev/null",
  "rm -rf $d",
].join(" && ");
/** The floors: what the same work costs without the agent, measured between the agent's own runs. */
async function measureFloors() {
  const t0 = performance.now();
  await must("/bin/true");
  add("ssh round trip (/bin/true)", { ms: performance.now() - t0 });
  add("node -e 0 (bare Node 24 start)", { ms: (await timed([node, "-e", "0"])).ms });
  add("git ls-remote (file://)", { ms: (await timed(["git", "ls-remote", url, "r0"])).ms });
  add("git rev-parse", { ms: (await timed(["git", "-C", GUEST_FIXTURE_DIR, "rev-parse", "r0"])).ms });
  add("git fetch + checkout (as resolution)", { ms: (await timed(["sh", "-c", resolutionGit])).ms });
  add("git init+fetch+checkout+rev-parse (before)", {
    ms: (await timed(["sh", "-c", resolutionGitBefore])).ms,
  });
  add("systemctl show frontend.service", {
    ms: (await timed(["systemctl", "show", "frontend.service"])).ms,
  });
  // Container-aware verification inspects each active container (Quadlet names it systemd-<unit>).
  add("podman container inspect", {
    ms: (await timed(["podman", "container", "inspect", "--format", "{{.State.Status}}", "systemd-frontend"]))
      .ms,
  });
  add("systemctl daemon-reload", { ms: (await timed(["systemctl", "daemon-reload"])).ms });
  add("systemctl restart frontend.service", {
    ms: (await timed(["systemctl", "restart", "frontend.service"])).ms,
  });
  add("systemctl restart worker-1.service", {
    ms: (await timed(["systemctl", "restart", "worker-1.service"])).ms,
  });
}

const hostLoad = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const loadAtStart = hostLoad();
let spawnTrace = null;
let failed = null;
try {
  await machine.start();
  await machine.waitReady({ timeoutMs: 600_000 });
  log(`bench:guest: guest ready after ${sec(machine.timings.readyMs)}`);
  await must(fixtureCopyCommand(machine.deliveredPath("fixture-repo")));

  for (let i = 0; i < runs; i++) add("--version", { ms: (await timed([bin, "--version"])).ms });

  await init("r0");
  const first = await apply();
  log(`bench:guest: first apply of r0 (everything created): ${sec(first.ms)}`);
  for (let i = 0; i < runs; i++) {
    const r = await timed([bin, "agent", "--host", HOST]);
    const summary = JSON.parse(r.stdout.trim().split("\n").pop());
    if (!/^converged/.test(summary.outcome) || summary.changed !== 0)
      throw new Error(`the no-op agent run was not a no-op: ${r.stdout}`);
    add("no-op agent", { ms: r.ms });
    await measureFloors();
  }
  if (beforeBinary) {
    const before = machine.deliveredPath("core-ops-before");
    for (let i = 0; i < runs; i++)
      add("no-op agent (BENCH_BEFORE_BINARY)", { ms: (await timed([before, "agent", "--host", HOST])).ms });
  }
  // The same no-op through `apply --json`, for its phase breakdown (the agent prints a summary line only).
  for (let i = 0; i < runs; i++) add("no-op apply", applyRow(await apply(), 0));
  await installShims();
  spawnTrace = await traceNoOpAgent().catch((err) => {
    log(`bench:guest: the traced no-op agent failed (${err.message}); no process list`);
    return null;
  });

  // One object: r0 → r1 → r0 … each apply changes exactly frontend.container.
  for (let i = 0; i < runs; i++) {
    await init(i % 2 === 0 ? "r1" : "r0");
    add("one-object apply", applyRow(await apply(), 1));
  }
  // Ten objects: from r0, r0 → r2 → r0 … each apply changes the container and the nine workers.
  await init("r0");
  await apply();
  for (let i = 0; i < runs; i++) {
    await init(i % 2 === 0 ? "r2" : "r0");
    add("ten-object apply", applyRow(await apply(), 1 + WORKERS));
  }
} catch (error) {
  failed = error;
} finally {
  const report = await machine.destroy();
  if (report.errors.length > 0) log(`teardown errors: ${report.errors.join("; ")}`);
  if (failed === null) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work} for diagnosis`);
}

process.exitCode = printReport({
  accel,
  runs,
  results,
  spawnTrace,
  workers: WORKERS,
  load: { start: loadAtStart, end: hostLoad() },
  failed,
});
