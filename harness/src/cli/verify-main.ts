/** `core-ops-verify` entry. Subcommands (setup, image, run) are added by the substrate and scenario layers. */
import { Command } from "commander";
import { register as registerAuthoring } from "./authoring.js";
import { register as registerImage } from "./image.js";
import { register as registerMachine } from "./machine.js";
import { register as registerPromote } from "./promote.js";
import { register as registerRun } from "./run.js";
import { register as registerSetup } from "./setup.js";

const program = new Command("core-ops-verify")
  .description("Boot disposable VMs and verify core-ops behaviour against YAML scenarios")
  .exitOverride();
registerSetup(program);
registerImage(program);
registerMachine(program);

registerRun(program);
registerAuthoring(program);
registerPromote(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const exitCode = (err as { exitCode?: number }).exitCode;
  process.exitCode = typeof exitCode === "number" ? exitCode : 1;
}
