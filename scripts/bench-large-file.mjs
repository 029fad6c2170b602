// Bench section "large-file", run by scripts/bench.mjs: one 230 MB rendered file (binary, a different
// content in each revision) in a tracked git repository, applied with `core-ops apply --root` across three
// revisions, then `apply --rollback-to` the first (its content comes from the state's content store).
// Per step: wall time (process start included) and the agent's own peak RSS (getrusage of the node process
// via a preload; git's children are not counted), and the ratio peak RSS / file size. Target ≤ 2×.
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";

const SIZE = Number(process.env.BENCH_LARGE_FILE_MB ?? 230) * 1000 * 1000;

function git(cwd, ...args) {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "bench",
      GIT_AUTHOR_EMAIL: "bench@example.invalid",
      GIT_COMMITTER_NAME: "bench",
      GIT_COMMITTER_EMAIL: "bench@example.invalid",
    },
  }).trim();
}

/** SIZE bytes, binary (NUL bytes), written in 1 MiB pieces; `rev` makes every revision's content differ. */
function writeLargeFile(path, rev) {
  const piece = Buffer.alloc(1 << 20);
  for (let i = 0; i < piece.length; i++) piece[i] = (i * 31 + rev * 7) & 0xff;
  const fd = openSync(path, "w");
  try {
    for (let off = 0; off < SIZE; off += piece.length) {
      piece.writeUInt32BE(off ^ rev, 0);
      writeSync(fd, piece, 0, Math.min(piece.length, SIZE - off));
    }
  } finally {
    closeSync(fd);
  }
}

function run(bin, preload, argv, lock) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", preload, bin, ...argv], {
    env: { ...process.env, CORE_OPS_LOCK_PATH: lock },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const lines = r.stderr.trim().split("\n");
  const rssKiB = Number((lines[lines.length - 1] ?? "").split(" ")[0]);
  if (r.status !== 0)
    throw new Error(`${argv.join(" ")} failed (exit ${r.status}): ${r.stderr.slice(-3000)}`);
  return { wallMs, rssKiB, stdout: r.stdout };
}

export async function sectionLargeFile(out, { bin, preload }) {
  const repo = join(out, "repo");
  const root = join(out, "root");
  const state = join(out, "state", "status.json");
  const lock = join(out, "agent.lock");
  mkdirSync(join(repo, "services", "big", "config", "etc", "big"), { recursive: true });
  mkdirSync(join(repo, "hosts", "bench"), { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  // Big blobs are stored whole (no delta search), as a repository of such files would configure.
  git(repo, "config", "core.bigFileThreshold", "1m");
  writeFileSync(join(repo, "hosts", "bench", "host.yaml"), "host: bench\nservices: [big]\n");
  writeFileSync(join(repo, "services", "big", "big.container"), "[Container]\nImage=localhost/big:1\n");
  const big = join(repo, "services", "big", "config", "etc", "big", "data.bin");
  const revs = [];
  for (let rev = 1; rev <= 3; rev++) {
    writeLargeFile(big, rev);
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", `r${rev}`);
    git(repo, "tag", `r${rev}`);
    revs.push(git(repo, "rev-parse", "HEAD"));
  }
  const common = ["--root", root, "--state-file", state, "--host", "bench"];
  const steps = [];
  const measureStep = (name, argv) => {
    const m = run(bin, preload, argv, lock);
    steps.push({ name, ...m });
    return m;
  };
  git(repo, "update-ref", "refs/heads/main", revs[0]);
  run(bin, preload, ["init", repo, "main", "--state-file", state], lock);
  for (let i = 0; i < 3; i++) {
    git(repo, "update-ref", "refs/heads/main", revs[i]);
    const m = measureStep(`apply r${i + 1}`, ["apply", "--json", ...common]);
    const view = JSON.parse(m.stdout);
    if (view.outcome !== "converged") throw new Error(`apply r${i + 1}: outcome ${view.outcome}`);
  }
  measureStep("rollback to r1", ["apply", "--json", "--rollback-to", revs[0], ...common]);
  const expected = join(out, "expected.bin");
  writeLargeFile(expected, 1);
  const same = readFileSync(join(root, "etc", "big", "data.bin")).equals(readFileSync(expected));
  const storeMiB = Number(
    execFileSync("du", ["-sm", join(out, "state", "objects")], { encoding: "utf8" }).split("\t")[0],
  );
  const snapshotsKiB = statSync(join(out, "state", "snapshots.json")).size / 1024;

  const mb = SIZE / 1e6;
  console.log(`## large-file (one ${mb} MB rendered file, apply --root across 3 revisions, then a rollback)`);
  console.log("step             wall_s  peak_rss_MiB  rss/file_size");
  let worst = 0;
  for (const s of steps) {
    const ratio = (s.rssKiB * 1024) / SIZE;
    worst = Math.max(worst, ratio);
    console.log(
      `${s.name.padEnd(15)} ${(s.wallMs / 1000).toFixed(2).padStart(7)}  ${(s.rssKiB / 1024).toFixed(1).padStart(12)}  ${ratio.toFixed(2).padStart(13)}`,
    );
  }
  console.log(
    `total wall ${(steps.reduce((a, s) => a + s.wallMs, 0) / 1000).toFixed(2)} s; content store ${storeMiB} MiB, snapshots.json ${snapshotsKiB.toFixed(1)} KiB; rollback wrote r1's bytes: ${same ? "yes" : "NO"}`,
  );
  const ok = worst <= 2 && same;
  console.log(
    `target peak RSS ≤ 2× file size: ${worst <= 2 ? "met" : "MISSED"} (worst ×${worst.toFixed(2)})`,
  );
  return { ok };
}
