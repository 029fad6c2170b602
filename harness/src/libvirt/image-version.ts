/**
 * A scenario's `environment.overrides.image_version`: which cached guest image boots this scenario's VM.
 * It names an image of the image cache by its cache directory (the recipe hash for built images,
 * `import-<name>` for imported ones), a prefix of that of at least 8 characters, or its descriptor name when
 * that is unambiguous. Anything else fails before a boot, naming the images that are there. Pure.
 */
import { basename, dirname } from "node:path";
import type { BaseImage } from "./base-image.js";

export class ImageVersionError extends Error {}

function cacheId(image: BaseImage): string {
  return basename(dirname(image.descriptorPath));
}

/** One line per cached image: `<cache id (16)> <name> (created <date>)`. */
export function describeImages(images: readonly BaseImage[]): string {
  if (images.length === 0) return "(the image cache is empty)";
  return images
    .map((i) => `${cacheId(i).slice(0, 16)} ${i.descriptor.name} (created ${i.descriptor.created_at})`)
    .join("; ");
}

export function selectImageVersion(
  images: readonly BaseImage[],
  version: string,
  cacheDir: string,
): BaseImage {
  const byId = images.filter(
    (i) => cacheId(i) === version || (version.length >= 8 && cacheId(i).startsWith(version)),
  );
  const byName = images.filter((i) => i.descriptor.name === version);
  const matches = byId.length > 0 ? byId : byName;
  const [only, ...more] = matches;
  if (only !== undefined && more.length === 0) return only;
  if (only === undefined) {
    throw new ImageVersionError(
      `image_version ${version} is not in the image cache ${cacheDir}; available: ${describeImages(images)} — name one by its id (≥ 8 characters), or build/import it (core-ops-verify image build | image import)`,
    );
  }
  throw new ImageVersionError(
    `image_version ${version} names ${matches.length} cached images: ${describeImages(matches)} — give a longer id`,
  );
}
