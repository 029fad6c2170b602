/** `core-ops-verify image build|list|prune|import|diff`: the guest base images in the content-addressed cache. */
import type { Command } from "commander";
import { ensureImage } from "../guest-image/build.js";
import { diffImages } from "../guest-image/image-diff.js";
import {
  type ImageEntry,
  importImage,
  listImages,
  pruneImages,
  resolveImage,
} from "../guest-image/image-store.js";
import { shortHash } from "../guest-image/recipe.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

async function guarded(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    log(`${what}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function register(program: Command): void {
  const image = program.command("image").description("build, list, prune and import guest base images");
  registerBuild(image);
  registerList(image);
  registerPrune(image);
  registerImport(image);
  registerDiff(image);
}

function registerBuild(image: Command): void {
  image
    .command("build")
    .description(
      "build the local Debian guest image from the recipe (cached by recipe hash; prints the descriptor path)",
    )
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

function registerList(image: Command): void {
  image
    .command("list")
    .description("list cached base images (current recipe marked *)")
    .option("--json", "print the list as JSON")
    .action((opts: { json?: boolean }) =>
      guarded("image list", async () => {
        const entries = await listImages();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        if (entries.length === 0) {
          process.stdout.write("no images (run `core-ops-verify image build`)\n");
          return;
        }
        for (const e of entries) process.stdout.write(imageLine(e));
      }),
    );
}

/** One `image list` line: current mark, name, id, creation, volume and sizes, container images, users. */
function imageLine(e: ImageEntry): string {
  const d = e.descriptor;
  const id = d.recipe_hash ? shortHash(d.recipe_hash) : e.id;
  const used = e.usedBy.length > 0 ? `  in use by ${e.usedBy.length} overlay(s)` : "";
  return (
    `${e.current ? "*" : " "} ${d.name}  ${id}  ${d.created_at}  volume ${d.volume} ${mib(e.sizes.volume)}` +
    `  kernel ${mib(e.sizes.kernel)}  initrd ${mib(e.sizes.initrd)}  ${d.local_container_images.join(",")}${used}\n`
  );
}

function registerPrune(image: Command): void {
  image
    .command("prune")
    .description("remove images built from other recipes that no overlay volume uses (imported images stay)")
    .action(() =>
      guarded("image prune", async () => {
        const removed = await pruneImages(log);
        process.stdout.write(`${removed.length} image(s) removed\n`);
      }),
    );
}

function registerImport(image: Command): void {
  image
    .command("import")
    .description(
      "register a prebuilt base image (e.g. Fedora CoreOS qcow2) with its descriptor in the storage pool",
    )
    .argument("<image>", "the qcow2 (or raw) file")
    .requiredOption("--descriptor <json>", "its image descriptor (see harness/src/guest-image/descriptor.ts)")
    .action((imagePath: string, opts: { descriptor: string }) =>
      guarded("image import", async () => {
        const imported = await importImage(imagePath, opts.descriptor, log);
        process.stdout.write(`${imported.descriptorPath}\n`);
      }),
    );
}

function registerDiff(image: Command): void {
  image
    .command("diff")
    .description(
      "show how two images differ: identity (recipe, kernel, Ignition, digests) and package versions",
    )
    .argument(
      "<a>",
      "descriptor.json, its directory, or an image's name, id or recipe-hash prefix (8+ chars)",
    )
    .argument("<b>", "the same for the second image")
    .action((a: string, b: string) =>
      guarded("image diff", async () => {
        const [ia, ib] = [await resolveImage(a), await resolveImage(b)];
        process.stdout.write(`--- ${ia.descriptorPath}\n+++ ${ib.descriptorPath}\n`);
        process.stdout.write(`${diffImages(ia.descriptor, ib.descriptor).join("\n")}\n`);
      }),
    );
}
