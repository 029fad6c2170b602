#!/usr/bin/env node
// `npm run bench:harness`: runs the scenario corpus against real VMs, `jobs` scenarios at a time (as
// `npm run verify` does with CORE_OPS_VERIFY_JOBS), and prints per scenario, from each bundle's
// timeline.json: wall, boot-to-readiness, Σ step time in the guest and the harness overhead
// (wall − readiness − Σ guest steps), then the corpus total: wall clock, Σ scenario walls and the speed-up
// of running in parallel.
//   BENCH_JOBS       comma-separated parallelism values to compare (default: the default of
//                    harness/src/vitest/jobs.ts on this machine), e.g. BENCH_JOBS=1,2,3
//   BENCH_SCENARIOS  space-separated scenario files (default: every scenarios/*.yaml);
//                    BENCH_SCENARIO=<file> runs one file (with BENCH_RUNS, default 1, repetitions)
//   extra arguments are passed to `core-ops-verify run` (e.g. --synthetic for a dry run of this script).
// Target (README "Verification scenarios"): harness overhead ≤ 15 % of a scenario's wall.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { verifyJobs } from "../harness/dist/vitest/jobs.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const extra = process.argv.slice(2);
const runs = Number(process.env.BENCH_RUNS ?? 1);
const scenarios = process.env.BENCH_SCENARIO
  ? Array.from({ length: runs }, () => process.env.BENCH_SCENARIO)
  : process.env.BENCH_SCENARIOS
    ? process.env.BENCH_SCENARIOS.split(/\s+/).filter(Boolean)
    : readdirSync(join(root, "scenarios"))
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => join("scenarios", f));
const jobsList = (process.env.BENCH_JOBS ?? String(verifyJobs())).split(",").map(Number);

const sum = (phases, kind) => phases.filter((p) => p.kind === kind).reduce((a, p) => a + p.duration_ms, 0);
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** One `core-ops-verify run --scenario … --json` as a child process; resolves with its row. */
function runScenario(file) {
  return new Promise((resolve) => {
    const child = spawn(
      "node",
      [join(root, "harness/bin/core-ops-verify.js"), "run", "--scenario", file, "--json", ...extra],
      { cwd: root, stdio: ["ignore", "pipe", "ignore"] },
    );
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("close", (code) => {
      try {
        const doc = JSON.parse(out);
        const timeline = JSON.parse(
          readFileSync(join(doc.artifact_bundle.bundle_path, "timeline.json"), "utf8"),
        );
        const phases = timeline.phases;
        const guest = phases
          .filter((p) => p.kind === "step")
          .reduce((a, p) => a + (p.guest_ms ?? p.duration_ms), 0);
        const ready = sum(phases, "boot") + sum(phases, "readiness");
        resolve({
          file,
          outcome: doc.overall_outcome,
          wall: timeline.wall_ms,
          ready,
          guest,
          overhead: timeline.wall_ms - ready - guest,
        });
      } catch (error) {
        resolve({ file, outcome: `no verification_run document (exit ${code}): ${error.message}` });
      }
    });
  });
}

/** Runs every scenario, at most `jobs` at once, in file order. */
async function corpus(jobs) {
  const queue = [...scenarios];
  const rows = [];
  const started = performance.now();
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      process.stderr.write(`bench:harness jobs=${jobs}: ${file}\n`);
      rows.push(await runScenario(file));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, scenarios.length) }, worker));
  return { jobs, rows, wall: performance.now() - started };
}

let ok = true;
/** Prints one parallelism's table as soon as it is measured (a long comparison can be read as it goes). */
function report({ jobs, rows, wall }) {
  console.log(`\n## jobs=${jobs}: ${scenarios.length} scenario runs`);
  console.log(
    `${"scenario".padEnd(50)}${"outcome".padEnd(24)}${"wall".padStart(9)}${"ready".padStart(9)}${"Σ guest".padStart(9)}${"overhead".padStart(10)}`,
  );
  for (const r of rows.sort((a, b) => a.file.localeCompare(b.file))) {
    if (r.wall === undefined) {
      console.log(`${r.file.padEnd(50)}${r.outcome}`);
      ok = false;
      continue;
    }
    if (r.outcome !== "passed") ok = false;
    console.log(
      `${r.file.padEnd(50)}${r.outcome.padEnd(24)}${s(r.wall).padStart(9)}${s(r.ready).padStart(9)}${s(r.guest).padStart(9)}${s(r.overhead).padStart(10)} (${((100 * r.overhead) / r.wall).toFixed(0)} %)`,
    );
  }
  const done = rows.filter((r) => r.wall !== undefined);
  const total = (k) => done.reduce((a, r) => a + r[k], 0);
  console.log(
    `total: wall clock ${s(wall)}; Σ scenario wall ${s(total("wall"))} (readiness ${s(total("ready"))}, guest steps ${s(total("guest"))}, overhead ${s(total("overhead"))} = ${((100 * total("overhead")) / total("wall")).toFixed(1)} %); parallel speed-up ×${(total("wall") / wall).toFixed(2)}`,
  );
}

const results = [];
for (const jobs of jobsList) {
  const result = await corpus(jobs);
  report(result);
  results.push(result);
}
if (results.length > 1) {
  console.log("\n## comparison");
  for (const { jobs, wall, rows } of results)
    console.log(
      `jobs=${jobs}: corpus wall ${s(wall)}; mean scenario wall ${s(rows.reduce((a, r) => a + (r.wall ?? 0), 0) / rows.length)}`,
    );
}
// Designed failures (expected_outcome) report `passed` when they fail as designed.
if (!ok) process.exitCode = 1;
