#!/usr/bin/env node
// `npm run bench` (builds first): measured speed figures. One function per section; add yours to SECTIONS.
// Section "plan": generated repositories of 100 and 1000 services (each a .container, a drop-in and a
// config file; 10% with an NFS .mount) → `core-ops plan --json --root <empty dir>` wall time (process
// start included, median of RUNS runs), peak RSS and CPU time (`/usr/bin/time -f "%M %U %S"` when
// present, else the child's own resourceUsage via a preload), and the 1000/100 ratio. Targets for 1000 services: ≤ 1.0 s, ≤ 200 MiB.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sectionApply } from "./bench-apply.mjs";
import { sectionLargeFile } from "./bench-large-file.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "agent", "bin", "core-ops.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TIME = process.env.BENCH_TIME ?? "/usr/bin/time";

function write(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A desired-state repository with `n` services for host `bench`. */
export function generateRepository(dir, n) {
  const names = [];
  for (let i = 0; i < n; i++) {
    const svc = `svc${String(i).padStart(4, "0")}`;
    names.push(svc);
    const withMount = i % 10 === 0;
    const base = join(dir, "services", svc);
    write(
      join(base, `${svc}.container`),
      [
        "[Unit]",
        `Description=benchmark service ${svc}`,
        "After=network-online.target",
        ...(withMount ? [`Requires=srv-${svc}.mount`, `After=srv-${svc}.mount`] : []),
        "",
        "[Container]",
        `Image=registry.example/bench/${svc}:1.${i}`,
        `ContainerName=${svc}`,
        `Volume=/etc/${svc}:/config:ro`,
        `PublishPort=127.0.0.1:${10000 + i}:8080`,
        `Environment=SERVICE=${svc}`,
        "",
        "[Service]",
        "Restart=always",
        ...(withMount ? [`RequiresMountsFor=/srv/${svc}`] : []),
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    );
    write(join(base, `${svc}.container.d`, "10-limits.conf"), "[Service]\nMemoryMax=256M\nCPUQuota=50%\n");
    write(join(base, "config", "etc", svc, "app.conf"), `name=${svc}\nport=8080\nlog_level=info\n`);
    if (withMount)
      write(
        join(base, `srv-${svc}.mount`),
        `[Unit]\nDescription=NFS for ${svc}\n\n[Mount]\nWhat=nas.example:/export/${svc}\nWhere=/srv/${svc}\nType=nfs\nOptions=rw,noatime\n\n[X-CoreOps]\nCreateMountpoint=true\n`,
      );
  }
  write(
    join(dir, "hosts", "bench", "host.yaml"),
    `host: bench\nservices:\n${names.map((s) => `  - ${s}`).join("\n")}\n`,
  );
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs argv once; returns wall ms (process start included), peak RSS KiB, exit code and stdout size. */
function measure(argv) {
  const useTime = existsSync(TIME);
  const cmd = useTime ? TIME : process.execPath;
  const args = useTime ? ["-f", "%M %U %S", process.execPath, ...argv] : ["--require", PRELOAD, ...argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const lines = r.stderr.trim().split("\n");
  const [rss, user, sys] = (lines[lines.length - 1] ?? "").split(" ").map(Number);
  return {
    wallMs,
    rssKiB: rss,
    cpuMs: user === undefined || Number.isNaN(user) ? Number.NaN : (user + (sys ?? 0)) * 1000,
    status: r.status,
    stdoutBytes: Buffer.byteLength(r.stdout),
    stderr: r.stderr,
  };
}

// Fallback without /usr/bin/time: a preload makes the child print its own peak RSS (KiB) and CPU seconds
// on stderr at exit, in the same "%M %U %S" form.
const PRELOAD = join(tmpdir(), `core-ops-bench-rusage-${process.pid}.cjs`);
writeFileSync(
  PRELOAD,
  [
    'process.on("exit", () => {',
    "  const u = process.resourceUsage();",
    '  process.stderr.write(u.maxRSS + " " + u.userCPUTime / 1e6 + " " + u.systemCPUTime / 1e6 + "\\n");',
    "});",
    "",
  ].join("\n"),
);

async function sectionPlan(out) {
  const sizes = [100, 1000];
  const results = {};
  for (const n of sizes) {
    const repo = join(out, `repo-${n}`);
    const root = join(out, `root-${n}`);
    generateRepository(repo, n);
    mkdirSync(root, { recursive: true });
    const argv = [BIN, "plan", "--json", "--source-repo", repo, "--host", "bench", "--root", root];
    measure(argv); // warm the file cache
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const m = measure(argv);
      if (m.status !== 0)
        throw new Error(`plan failed for ${n} services (exit ${m.status}): ${m.stderr.slice(0, 2000)}`);
      runs.push(m);
    }
    results[n] = {
      median_s: median(runs.map((r) => r.wallMs)) / 1000,
      min_s: Math.min(...runs.map((r) => r.wallMs)) / 1000,
      peak_rss_mib: Math.max(...runs.map((r) => r.rssKiB)) / 1024,
      cpu_s: median(runs.map((r) => r.cpuMs)) / 1000,
      json_mib: runs[0].stdoutBytes / 1024 / 1024,
    };
  }
  const r100 = results[100];
  const r1000 = results[1000];
  console.log(
    `## plan (core-ops plan --json --root <empty dir>, median of ${RUNS} runs, process start included)`,
  );
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (${cpus().length} CPUs)`,
  );
  console.log("services  median_s  min_s   cpu_s  peak_rss_MiB  json_MiB");
  for (const n of sizes) {
    const r = results[n];
    console.log(
      `${String(n).padStart(8)}  ${r.median_s.toFixed(3).padStart(8)}  ${r.min_s.toFixed(3).padStart(5)}  ${r.cpu_s.toFixed(3).padStart(6)}  ${r.peak_rss_mib.toFixed(1).padStart(12)}  ${r.json_mib.toFixed(2).padStart(8)}`,
    );
  }
  console.log(
    `ratio 1000/100: time ×${(r1000.median_s / r100.median_s).toFixed(2)}, rss ×${(r1000.peak_rss_mib / r100.peak_rss_mib).toFixed(2)}`,
  );
  const timeOk = r1000.median_s <= 1.0;
  const rssOk = r1000.peak_rss_mib <= 200;
  console.log(
    `target 1000 services: ≤ 1.0 s ${timeOk ? "met" : "MISSED"} (${r1000.median_s.toFixed(3)} s), ≤ 200 MiB ${rssOk ? "met" : "MISSED"} (${r1000.peak_rss_mib.toFixed(1)} MiB)`,
  );
  return { results, ok: timeOk && rssOk };
}

/** Sections run in order; each gets its own scratch directory. Add `[name, async (dir) => ({ok})]`. */
const SECTIONS = [
  ["plan", sectionPlan],
  ["apply", (dir) => sectionApply(dir, { bin: BIN, generateRepository, runs: RUNS })],
  ["large-file", (dir) => sectionLargeFile(dir, { bin: BIN, preload: PRELOAD })],
];

const only = process.argv[2];
if (only === "--generate") {
  generateRepository(process.argv[3], Number(process.argv[4] ?? 1000));
  process.exit(0);
}
const base = mkdtempSync(join(tmpdir(), "core-ops-bench-"));
let allOk = true;
try {
  console.log(`core-ops bench — node ${process.version}, ${RUNS} runs per measurement`);
  for (const [name, fn] of SECTIONS) {
    if (only && only !== name) continue;
    const dir = join(base, name);
    mkdirSync(dir, { recursive: true });
    const { ok } = await fn(dir);
    allOk &&= ok;
    console.log("");
  }
} finally {
  rmSync(base, { recursive: true, force: true });
  rmSync(PRELOAD, { force: true });
}
// Missed targets are reported, not hidden; the exit code says so too.
process.exitCode = allOk ? 0 : 1;
