/** `core-ops-verify image build|list|prune|import`: the guest base images in the content-addressed cache. */
import type { Command } from "commander";
import { ensureImage } from "../guest-image/build.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

async function guarded(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    log(`${what}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

export function register(program: Command): void {
  const image = program.command("image").description("build, list, prune and import guest base images");
  image
    .command("build")
    .description("build the local Debian guest image from the recipe (cached by recipe hash)")
    .option("--force", "rebuild even when the recipe's image is cached")
    .option("--json", "print the descriptor path and descriptor as JSON on stdout")
    .action((opts: { force?: boolean; json?: boolean }) =>
      guarded("image build", async () => {
        const built = await ensureImage(log, { force: opts.force === true });
        if (opts.json) process.stdout.write(`${JSON.stringify(built, null, 2)}\n`);
        else process.stdout.write(`${built.descriptorPath}\n`);
      }),
    );
}
