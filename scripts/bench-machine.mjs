#!/usr/bin/env node
// Boot figures for the machine layer (README.md "Disposable guests"): start → readiness, start → SSH,
// teardown, for one guest at a time (never in parallel from here). Usage:
//   node scripts/bench-machine.mjs [--runs N] [--memory MiB] [--vcpus N] [--cpu MODEL] [--cmdline "extra args"]
//     [--label text] [--analyze] [--static-ip]
// Prints one JSON line per run and a summary line; --analyze adds `systemd-analyze` of each boot.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateRunSecrets } from "../harness/dist/ignition/run-secrets.js";
import { openHypervisor } from "../harness/dist/libvirt/hypervisor.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    memory: { type: "string", default: "1024" },
    vcpus: { type: "string", default: "2" },
    cpu: { type: "string" },
    cmdline: { type: "string" },
    label: { type: "string", default: "" },
    analyze: { type: "boolean", default: false },
    "static-ip": { type: "boolean", default: false },
  },
});

const log = (line) => process.stderr.write(`${line}\n`);
const hypervisor = await openHypervisor({
  log,
  extraCmdline: values.cmdline,
  tcgCpuModel: values.cpu,
  staticUserAddress: values["static-ip"],
});
const results = [];
for (let i = 0; i < Number(values.runs); i++) {
  const runDir = mkdtempSync(join(tmpdir(), "bench-machine-"));
  const runId = `bench-${process.pid}-${i}`;
  const machine = await hypervisor.createLibvirtMachine({
    runId,
    vcpus: Number(values.vcpus),
    memoryMiB: Number(values.memory),
    runDir,
    deliveries: [],
    secrets: generateRunSecrets(runId),
  });
  const row = { label: values.label, run: i, domain_type: hypervisor.domainType };
  try {
    await machine.start();
    await machine.waitReady();
    Object.assign(row, { ready_s: machine.timings.readyMs / 1000, ssh_s: machine.timings.sshMs / 1000 });
    if (values.analyze) {
      const analyze = await machine.exec("systemd-analyze; systemd-analyze blame --no-pager | head -n 12");
      row.analyze = analyze.stdout.trim();
    }
  } catch (error) {
    row.error = error.message;
  } finally {
    const report = await machine.destroy();
    row.teardown_s = report.durationMs / 1000;
    if (report.errors.length > 0) row.teardown_errors = report.errors;
    // A failed run keeps its console log and evidence for diagnosis.
    if (row.error === undefined) rmSync(runDir, { recursive: true, force: true });
    else row.kept = runDir;
  }
  results.push(row);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
const ok = results.filter((r) => r.ready_s !== undefined);
const stat = (key) => {
  const xs = ok.map((r) => r[key]).sort((a, b) => a - b);
  return xs.length === 0
    ? null
    : { min: xs[0], median: xs[Math.floor(xs.length / 2)], max: xs[xs.length - 1] };
};
process.stdout.write(
  `${JSON.stringify({ summary: values.label, runs: results.length, ok: ok.length, ready_s: stat("ready_s"), ssh_s: stat("ssh_s"), teardown_s: stat("teardown_s") })}\n`,
);
