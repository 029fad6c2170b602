/** The `core-ops` program: builds the commander program and maps every error to an exit code (no output on stdout but the views). */
import { Command } from "commander";
import { CoreOpsError, ExitCode } from "../errors.js";
import { buildInfo, formatIdentity } from "../identity.js";
import { register as registerAgent } from "./agent.js";
import { register as registerApply } from "./apply.js";
import { ExitCodeRequest } from "./exit-code.js";
import { register as registerExplain } from "./explain.js";
import { register as registerInit } from "./init.js";
import { register as registerPlan } from "./plan.js";
import { register as registerStatus } from "./status.js";

export function buildProgram(exit: ExitCodeRequest = new ExitCodeRequest()): Command {
  const program = new Command("core-ops")
    .description(
      "Reconcile a layered git repository of Quadlet files, units, mounts and host files onto this host",
    )
    .version(formatIdentity(buildInfo()), "-V, --version", "print the version and build revision")
    .showHelpAfterError()
    .exitOverride();
  registerInit(program);
  registerPlan(program, exit);
  registerExplain(program);
  registerStatus(program);
  registerApply(program, exit);
  registerAgent(program, exit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const exit = new ExitCodeRequest();
  const program = buildProgram(exit);
  try {
    await program.parseAsync(argv);
    return exit.code ?? ExitCode.ok;
  } catch (err) {
    if (err instanceof CoreOpsError) {
      process.stderr.write(`${err.render()}\n`);
      return err.exitCode;
    }
    const code = (err as { code?: string; exitCode?: number }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      const exitCode = (err as { exitCode?: number }).exitCode ?? ExitCode.usage;
      if (code === "commander.helpDisplayed" || code === "commander.version" || exitCode === 0)
        return ExitCode.ok;
      return ExitCode.usage;
    }
    process.stderr.write(
      `internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return ExitCode.failure;
  }
}
