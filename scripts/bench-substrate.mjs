#!/usr/bin/env node
// Substrate figures (README.md "The VM substrate"): setup time (warm; cold with --cold-setup is only
// meaningful on a fresh host), image build time cached and (with --cold-build) cold, and image sizes. Real
// host work: run as root on the hypervisor host, never from `npm test`. Prints one JSON document on stdout;
// progress on stderr.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage, ensureImage, imageSizes } from "../harness/dist/guest-image/build.js";
import { removeImage } from "../harness/dist/guest-image/image-store.js";
import { substratePaths } from "../harness/dist/guest-image/paths.js";
import { DEFAULT_RECIPE_DIR, loadRecipe } from "../harness/dist/guest-image/recipe.js";
import { runSetup } from "../harness/dist/guest-image/setup.js";

const args = new Set(process.argv.slice(2));
const log = (line) => process.stderr.write(`${line}\n`);
const quiet = () => {};
const seconds = (ms) => Math.round(ms / 100) / 10;
const time = async (work) => {
  const t = performance.now();
  const result = await work();
  return { ms: performance.now() - t, result };
};
const mib = (b) => Math.round((b / 2 ** 20) * 10) / 10;

const figures = {};
const setup = await time(() => runSetup(args.has("--verbose") ? log : quiet));
figures.setup_s = seconds(setup.ms);
figures.setup_changed = setup.result.changed;
const warm = await time(() => runSetup(quiet));
figures.setup_warm_s = seconds(warm.ms);
figures.accel = setup.result.host?.accel;

const first = await time(() => ensureImage(log));
if (!first.result.cached) figures.image_cold_s = seconds(first.ms);
const cached = await time(() => ensureImage(quiet));
figures.image_cached_ms = Math.round(cached.ms);
const sizes = await imageSizes(cached.result.descriptor);
figures.image_sizes_mib = { qcow2: mib(sizes.volume), kernel: mib(sizes.kernel), initrd: mib(sizes.initrd) };
figures.packages = Object.keys(cached.result.descriptor.packages).length;

if (args.has("--cold-build") && figures.image_cold_s === undefined) {
  // A cold build of the same recipe under another hash (a salt file in a copy), removed afterwards.
  const dir = await mkdtemp(join(tmpdir(), "bench-recipe-"));
  try {
    await cp(DEFAULT_RECIPE_DIR, dir, { recursive: true });
    await writeFile(join(dir, "bench-salt"), `${Date.now()}\n`);
    const recipe = await loadRecipe(dir);
    const cold = await time(() => buildImage(recipe, substratePaths(), log));
    figures.image_cold_s = seconds(cold.ms);
    await removeImage({
      dir: join(substratePaths().imageCacheDir, recipe.hash),
      descriptor: cold.result.descriptor,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
