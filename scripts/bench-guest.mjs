#!/usr/bin/env node
// `npm run bench:guest`: where the agent's time goes inside one real guest. Boots one VM (like a scenario:
// the built agent binary and a fixture repository delivered read-only) and prints, median of BENCH_RUNS
// (default 5), the wall time measured inside the guest of
//   1. `core-ops --version`;
//   2. a no-op `core-ops agent` (tracked ref converged);
//   3. `core-ops apply` of a one-object change (frontend.container of repos/frontend-history/v1 gains one
//      Environment= line, and loses it again on the next run);
//   4. `core-ops apply` of a ten-object change (that container plus nine native worker services);
// with the per-phase durations the result view carries (`durations`), any stop-timeout warnings, and the
// floor: what a bare `systemctl restart` of the same units and a `systemctl daemon-reload` cost.
// Targets (README "Speed"): --version ≤ 0.5 s, no-op agent ≤ 2.5 s, one-object apply ≤ 5 s.
// BENCH_JSON=1 adds one JSON line per measurement on stdout.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixtureCopyCommand, GUEST_FIXTURE_DIR } from "../harness/dist/fixtures/guest-delivery.js";
import { materializeHistory } from "../harness/dist/fixtures/repository-evolution.js";
import { generateRunSecrets } from "../harness/dist/ignition/run-secrets.js";
import { prepareSubstrate } from "../harness/dist/run/substrate.js";
import { shellJoin } from "../harness/dist/steps/shell.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.env.BENCH_RUNS ?? 5);
const jsonLines = process.env.BENCH_JSON === "1";
const HOST = "verify-host";
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
  ],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
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
  }
  // The same no-op through `apply --json`, for its phase breakdown (the agent prints a summary line only).
  for (let i = 0; i < runs; i++) add("no-op apply", applyRow(await apply(), 0));

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

  // The floor: what systemd itself needs for the same work.
  for (let i = 0; i < runs; i++) {
    add("systemctl restart frontend.service", {
      ms: (await timed(["systemctl", "restart", "frontend.service"])).ms,
    });
    add("systemctl restart worker-1.service", {
      ms: (await timed(["systemctl", "restart", "worker-1.service"])).ms,
    });
    add("systemctl daemon-reload", { ms: (await timed(["systemctl", "daemon-reload"])).ms });
    add("git ls-remote (file://)", { ms: (await timed(["git", "ls-remote", url])).ms });
  }
} catch (error) {
  failed = error;
} finally {
  const report = await machine.destroy();
  if (report.errors.length > 0) log(`teardown errors: ${report.errors.join("; ")}`);
  if (failed === null) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work} for diagnosis`);
}

// ---- report ----
const TARGETS = { "--version": 500, "no-op agent": 2500, "one-object apply": 5000 };
console.log(`bench:guest — accelerator: ${accel}; median of ${runs} (wall time inside the guest)`);
console.log(
  `${"measurement".padEnd(38)}${"median".padStart(10)}${"min".padStart(10)}${"max".padStart(10)}  target`,
);
for (const [name, rows] of Object.entries(results)) {
  const ms = rows.map((r) => r.ms);
  const target = TARGETS[name];
  const verdict = target === undefined ? "" : `≤ ${sec(target)}: ${median(ms) <= target ? "met" : "MISSED"}`;
  console.log(
    `${name.padEnd(38)}${sec(median(ms)).padStart(10)}${sec(Math.min(...ms)).padStart(10)}${sec(Math.max(...ms)).padStart(10)}  ${verdict}`,
  );
}
for (const name of ["no-op apply", "one-object apply", "ten-object apply"]) {
  const rows = results[name] ?? [];
  const withPhases = rows.filter((r) => r.durations);
  if (withPhases.length === 0) {
    if (rows.length > 0) console.log(`${name}: phases n/a (this agent's result view has no durations)`);
    continue;
  }
  const keys = Object.keys(withPhases[0].durations);
  const parts = keys.map(
    (k) => `${k.replace(/_ms$/, "")} ${sec(median(withPhases.map((r) => r.durations[k])))}`,
  );
  console.log(`${name} phases (median): ${parts.join(", ")}`);
  console.log(`${name} systemctl calls (median): ${median(rows.map((r) => r.systemctl_calls))}`);
  const warnings = [...new Set(rows.flatMap((r) => r.warnings))];
  for (const w of warnings) console.log(`${name} warning: ${w}`);
}
if (failed) {
  console.error(`bench:guest failed: ${failed.message}`);
  process.exitCode = 1;
} else {
  const missed = Object.entries(TARGETS).filter(([k, t]) => median((results[k] ?? []).map((r) => r.ms)) > t);
  if (missed.length > 0) process.exitCode = 1;
}
