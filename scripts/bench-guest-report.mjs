// The tables `npm run bench:guest` prints (scripts/bench-guest.mjs measures): every measurement's median,
// each agent figure against its floor — the sum of the bare operations it cannot avoid, measured in the same
// guest in the same run — the phase breakdown of the applies, and the processes of one traced no-op agent.

const NODE = "node -e 0 (bare Node 24 start)";
const LS_REMOTE = "git ls-remote (file://)";
const SHOW = "systemctl show frontend.service";
const INSPECT = "podman container inspect";
const RELOAD = "systemctl daemon-reload";
const RESTART = "systemctl restart frontend.service";
const RESTART_WORKER = "systemctl restart worker-1.service";

export const TARGETS = { "--version": 500, "no-op agent": 2500, "one-object apply": 5000 };

/** What each agent figure cannot avoid: [measurement, times]. */
export function floorParts(workers) {
  const noOp = [
    [NODE, 1],
    [LS_REMOTE, 1],
    [SHOW, 1],
    [INSPECT, 1],
  ];
  const oneObject = [...noOp, [RELOAD, 1], [RESTART, 1]];
  return {
    "--version": [[NODE, 1]],
    "no-op agent": noOp,
    "no-op apply": noOp,
    "one-object apply": oneObject,
    "ten-object apply": [...oneObject, [RESTART_WORKER, workers]],
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "n/a");

/** Prints the report; returns the exit code (1: the bench failed, or a target is missed above its floor). */
export function printReport({ accel, runs, results, spawnTrace, workers, load, failed }) {
  const med = (name) => median((results[name] ?? []).map((r) => r.ms));
  console.log(`bench:guest — accelerator: ${accel}; median of ${runs} (wall time inside the guest)`);
  console.log(`host load average (1/5/15 min): ${load.start} at the start, ${load.end} at the end`);
  console.log(`${"measurement".padEnd(40)}${"median".padStart(9)}${"min".padStart(9)}${"max".padStart(9)}`);
  for (const [name, rows] of Object.entries(results)) {
    const ms = rows.map((r) => r.ms);
    console.log(
      `${name.padEnd(40)}${sec(median(ms)).padStart(9)}${sec(Math.min(...ms)).padStart(9)}${sec(Math.max(...ms)).padStart(9)}`,
    );
  }

  let exitCode = failed ? 1 : 0;
  console.log("");
  console.log(
    `${"agent figure".padEnd(20)}${"median".padStart(9)}${"floor".padStart(9)}${"overhead".padStart(10)}  target / floor made of`,
  );
  for (const [name, parts] of Object.entries(floorParts(workers))) {
    if (!results[name]) continue;
    const floor = parts.reduce((sum, [part, times]) => sum + times * med(part), 0);
    const target = TARGETS[name];
    let verdict = "";
    if (target !== undefined) {
      if (med(name) <= target) verdict = `≤ ${sec(target)}: met`;
      else if (floor > target) verdict = `≤ ${sec(target)}: missed, the floor alone is above it`;
      else {
        verdict = `≤ ${sec(target)}: MISSED above the floor`;
        exitCode = 1;
      }
    }
    const madeOf = parts.map(([part, times]) => (times > 1 ? `${times} × ${part}` : part)).join(" + ");
    console.log(
      `${name.padEnd(20)}${sec(med(name)).padStart(9)}${sec(floor).padStart(9)}${sec(med(name) - floor).padStart(10)}  ${verdict}${verdict ? "; " : ""}${madeOf}`,
    );
  }

  console.log("");
  for (const name of ["no-op apply", "one-object apply", "ten-object apply"]) {
    const rows = results[name] ?? [];
    const withPhases = rows.filter((r) => r.durations);
    if (withPhases.length === 0) continue;
    const keys = Object.keys(withPhases[0].durations);
    const parts = keys.map(
      (k) => `${k.replace(/_ms$/, "")} ${sec(median(withPhases.map((r) => r.durations[k])))}`,
    );
    console.log(`${name} phases (median): ${parts.join(", ")}`);
    console.log(`${name} systemctl calls (median): ${median(rows.map((r) => r.systemctl_calls))}`);
    for (const w of new Set(rows.flatMap((r) => r.warnings))) console.log(`${name} warning: ${w}`);
  }

  if (spawnTrace) {
    console.log("");
    console.log(
      `processes one no-op agent started (git, systemctl and podman shimmed on PATH; ${sec(spawnTrace.total_ms)} in all, shims included):`,
    );
    for (const s of spawnTrace.spawns)
      console.log(`  at ${sec(s.at_ms).padStart(8)}  ${sec(s.ms).padStart(8)}  ${s.command}`);
  }
  if (failed) console.error(`bench:guest failed: ${failed.message}`);
  return exitCode;
}
