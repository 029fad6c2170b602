/**
 * Child process of teardown-on-signal.test.ts: boots a machine on the in-memory libvirt, starts tearing it
 * down itself (as the scenario executor does at the end of a run) with a slow `virsh destroy`, and logs each
 * virsh call as it completes to argv[3]. The parent interrupts it during that teardown.
 */
import { appendFileSync } from "node:fs";
import type { VirshResult } from "../virsh.js";
import { startedFakeMachine } from "./fake-machine.js";
import { FakeVirsh } from "./fake-virsh.js";

const [work = "", callLog = ""] = process.argv.slice(2);
const virsh = new FakeVirsh();
virsh.delays.destroy = 1_500;
const run = virsh.run.bind(virsh);
virsh.run = async (args: readonly string[]): Promise<VirshResult> => {
  const result = await run(args);
  appendFileSync(callLog, `${args.join(" ")} -> ${result.exitCode}\n`);
  return result;
};
const machine = await startedFakeMachine(virsh, work, `interrupt-${process.pid}`, (line) =>
  process.stderr.write(`${line}\n`),
);
process.stdout.write(`tearing down ${machine.name}\n`);
await machine.destroy();
process.stdout.write("teardown finished\n");
