#!/usr/bin/env node
// `npm run bench:harness`: runs the minimal scenario several times against real VMs and prints, from each
// bundle's timeline.json, provisioning, boot-to-readiness, per-step guest time, evidence, teardown and the
// harness overhead = scenario wall − (boot-to-readiness + Σ step durations in the guest), as a ratio of the
// wall (target ≤ 15 %). BENCH_RUNS (default 3); BENCH_SCENARIO (default scenarios/minimal-accepted.yaml);
// extra arguments are passed to `core-ops-verify run` (e.g. --synthetic for a dry run of this script).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const scenario = process.env.BENCH_SCENARIO ?? "scenarios/minimal-accepted.yaml";
const extra = process.argv.slice(2);

const sum = (phases, kind) => phases.filter((p) => p.kind === kind).reduce((a, p) => a + p.duration_ms, 0);
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rows = [];
for (let i = 1; i <= runs; i++) {
  process.stderr.write(`bench:harness run ${i}/${runs}: ${scenario}\n`);
  const r = spawnSync(
    "node",
    [join(root, "harness/bin/core-ops-verify.js"), "run", "--scenario", scenario, "--json", ...extra],
    {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  let doc;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    console.error(`run ${i}: no verification_run document (exit ${r.status})`);
    process.exitCode = 1;
    continue;
  }
  const timeline = JSON.parse(readFileSync(join(doc.artifact_bundle.bundle_path, "timeline.json"), "utf8"));
  const phases = timeline.phases;
  const steps = phases.filter((p) => p.kind === "step");
  const guest = steps.reduce((a, p) => a + (p.guest_ms ?? p.duration_ms), 0);
  const bootToReady = sum(phases, "boot") + sum(phases, "readiness");
  const overhead = timeline.wall_ms - (bootToReady + guest);
  rows.push({
    outcome: doc.overall_outcome,
    wall: timeline.wall_ms,
    fixtures: sum(phases, "fixtures"),
    provision: sum(phases, "provision"),
    bootToReady,
    steps: steps.map((p) => `${p.name.replace(/^step:/, "")}=${s(p.guest_ms ?? p.duration_ms)}`).join(" "),
    guest,
    assertions: sum(phases, "assertions"),
    evidence: sum(phases, "evidence"),
    teardown: sum(phases, "teardown"),
    overhead,
    // What the scenario layer itself adds (the rest of the overhead is provisioning, i.e. the machine layer).
    scenarioLayer: sum(phases, "fixtures") + sum(phases, "assertions") + sum(phases, "evidence"),
  });
  if (doc.overall_outcome !== "passed") process.exitCode = 1;
}
for (const [i, r] of rows.entries()) {
  console.log(
    `run ${i + 1}: ${r.outcome}; wall ${s(r.wall)}; fixtures ${s(r.fixtures)}; provisioning ${s(r.provision)}; ` +
      `boot-to-readiness ${s(r.bootToReady)}; steps in guest ${s(r.guest)} (${r.steps}); assertions ${s(r.assertions)}; ` +
      `evidence ${s(r.evidence)}; teardown ${s(r.teardown)}; harness overhead ${s(r.overhead)} = ${((100 * r.overhead) / r.wall).toFixed(1)} % of wall ` +
      `(scenario layer: fixtures + assertions + evidence ${s(r.scenarioLayer)} = ${((100 * r.scenarioLayer) / r.wall).toFixed(1)} %)`,
  );
}
if (rows.length > 0) {
  const ratio = rows.reduce((a, r) => a + r.overhead / r.wall, 0) / rows.length;
  console.log(`mean harness overhead: ${(100 * ratio).toFixed(1)} % of scenario wall (target ≤ 15 %)`);
}
