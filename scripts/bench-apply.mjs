// Bench section "apply", run by scripts/bench.mjs:
//  1. converged `core-ops apply --root` on the 1000-service repository: wall time (median of RUNS, process
//     start included), host file writes (must be 0) and systemctl calls (must be 0), from the result view;
//  2. on 100 services, the same no-op convergence by core-ops and by `ansible-playbook` (ansible-core,
//     local connection, one `copy` task looping over exactly the files core-ops manages), ratio printed.
//     Target: core-ops ≥ 20× faster. ansible-core is installed with apt-get when missing.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function applyOnce(bin, repo, root, lock) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [bin, "apply", "--json", "--source-repo", repo, "--host", "bench", "--root", root, "--lock-path", lock],
    { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 },
  );
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`core-ops apply failed (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  const view = JSON.parse(r.stdout);
  return { wallMs, view };
}

function filesUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  }
  return out.sort();
}

function ensureAnsible() {
  const have = spawnSync("ansible-playbook", ["--version"], { encoding: "utf8" });
  if (have.status === 0) return have.stdout.split("\n")[0];
  console.log("installing ansible-core (Debian package) for the comparison …");
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "ansible-core"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  const again = spawnSync("ansible-playbook", ["--version"], { encoding: "utf8" });
  if (again.status !== 0) throw new Error("ansible-playbook is not runnable after installing ansible-core");
  return again.stdout.split("\n")[0];
}

function ansibleRun(playbook, dir) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("ansible-playbook", ["-i", "localhost,", "-c", "local", playbook], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      ANSIBLE_LOCALHOST_WARNING: "False",
      ANSIBLE_PYTHON_INTERPRETER: "/usr/bin/python3",
      ANSIBLE_NOCOLOR: "1",
      ANSIBLE_RETRY_FILES_ENABLED: "False",
      ANSIBLE_LOCAL_TEMP: join(dir, "ansible-tmp"),
      ANSIBLE_HOME: join(dir, "ansible-home"),
    },
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`ansible-playbook failed (exit ${r.status}): ${r.stdout.slice(-2000)}`);
  const recap = /changed=(\d+)/.exec(r.stdout);
  return { wallMs, changed: recap ? Number(recap[1]) : Number.NaN };
}

export async function sectionApply(out, { bin, generateRepository, runs }) {
  let ok = true;
  // 1. converged apply on 1000 services.
  const repo1000 = join(out, "repo-1000");
  const root1000 = join(out, "root-1000");
  const lock = join(out, "agent.lock");
  generateRepository(repo1000, 1000);
  const first = applyOnce(bin, repo1000, root1000, lock);
  const converged = [];
  for (let i = 0; i < runs; i++) converged.push(applyOnce(bin, repo1000, root1000, lock));
  const writes = Math.max(...converged.map((r) => r.view.summary.writes));
  const calls = Math.max(...converged.map((r) => r.view.summary.systemctl_calls));
  const outcomes = [...new Set(converged.map((r) => r.view.outcome))];
  const med1000 = median(converged.map((r) => r.wallMs)) / 1000;
  console.log(`## apply (core-ops apply --root, stateless --source-repo, process start included)`);
  console.log(
    `1000 services, first apply: ${(first.wallMs / 1000).toFixed(3)} s, ${first.view.summary.writes} host operations, ${filesUnder(root1000).length} files`,
  );
  console.log(
    `1000 services, converged (median of ${runs}): ${med1000.toFixed(3)} s; file writes ${writes} (must be 0); systemctl calls ${calls} (must be 0); outcome ${outcomes.join(",")}`,
  );
  if (writes !== 0 || calls !== 0 || outcomes.join() !== "converged") {
    console.log("MISSED: a converged apply must not write or call systemctl");
    ok = false;
  }

  // 2. 100 services: core-ops vs ansible-playbook, both converged (no-op) runs.
  const repo100 = join(out, "repo-100");
  const root100 = join(out, "root-100");
  generateRepository(repo100, 100);
  applyOnce(bin, repo100, root100, lock);
  const ours = [];
  for (let i = 0; i < runs; i++) ours.push(applyOnce(bin, repo100, root100, lock));
  const oursMed = median(ours.map((r) => r.wallMs)) / 1000;
  const oursWrites = Math.max(...ours.map((r) => r.view.summary.writes));

  const version = ensureAnsible();
  const managed = filesUnder(root100);
  const ansibleRoot = join(out, "ansible-root");
  const items = managed.map((p) => {
    const rel = relative(root100, p);
    return { src: p, dest: join(ansibleRoot, rel), mode: `0${(statSync(p).mode & 0o777).toString(8)}` };
  });
  for (const it of items) mkdirSync(join(it.dest, ".."), { recursive: true });
  const playbook = join(out, "copy.yml");
  writeFileSync(
    playbook,
    [
      "- hosts: localhost",
      "  gather_facts: false",
      "  tasks:",
      "    - name: managed files",
      "      ansible.builtin.copy:",
      '        src: "{{ item.src }}"',
      '        dest: "{{ item.dest }}"',
      '        mode: "{{ item.mode }}"',
      "      loop:",
      ...items.map((it) => `        - { src: "${it.src}", dest: "${it.dest}", mode: "${it.mode}" }`),
      "",
    ].join("\n"),
  );
  const ansibleFirst = ansibleRun(playbook, out);
  const ansibleNoop = ansibleRun(playbook, out);
  const ratio = ansibleNoop.wallMs / 1000 / oursMed;
  console.log(`100 services (${managed.length} files), no-op convergence:`);
  console.log(
    `  core-ops apply --root: ${oursMed.toFixed(3)} s (median of ${runs}; file writes ${oursWrites})`,
  );
  console.log(
    `  ${version}: ${(ansibleNoop.wallMs / 1000).toFixed(3)} s (changed=${ansibleNoop.changed}; first converging run ${(ansibleFirst.wallMs / 1000).toFixed(1)} s, changed=${ansibleFirst.changed})`,
  );
  const ratioOk = ratio >= 20;
  console.log(`  ratio ansible/core-ops: ×${ratio.toFixed(1)} (target ≥ 20×: ${ratioOk ? "met" : "MISSED"})`);
  if (!existsSync(ansibleRoot) || ansibleNoop.changed !== 0) {
    console.log("MISSED: the Ansible no-op run changed files");
    ok = false;
  }
  return { ok: ok && ratioOk && oursWrites === 0 };
}
