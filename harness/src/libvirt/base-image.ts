/**
 * The base image a hypervisor boots: its descriptor (guest-image/descriptor.ts), from
 * `CORE_OPS_VERIFY_BASE_IMAGE` or the newest locally built image in the image cache. A bad descriptor is an
 * error naming the file and field.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type ImageDescriptor, ImageDescriptorSchema } from "../guest-image/descriptor.js";
import type { ConnectionSettings } from "./connection.js";

export interface BaseImage {
  descriptor: ImageDescriptor;
  descriptorPath: string;
}

export function readDescriptor(path: string): ImageDescriptor {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`image descriptor ${path}: cannot read it as JSON (${(error as Error).message})`);
  }
  const parsed = ImageDescriptorSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "(root)";
    throw new Error(`image descriptor ${path}: field ${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export function resolveBaseImage(
  settings: Pick<ConnectionSettings, "baseImage" | "imageCacheDir">,
): BaseImage {
  const images = cachedImages(settings.imageCacheDir);
  if (settings.baseImage !== undefined) {
    const wanted = settings.baseImage;
    if (wanted.endsWith(".json") || existsSync(join(wanted, "descriptor.json"))) {
      const descriptorPath = wanted.endsWith(".json") ? wanted : join(wanted, "descriptor.json");
      return { descriptor: readDescriptor(descriptorPath), descriptorPath };
    }
    // The name of an image in the cache (`image import` registers Fedora CoreOS images by name).
    const named = images.find(
      (image) => image.descriptor.name === wanted || basename(dirname(image.descriptorPath)) === wanted,
    );
    if (named === undefined) {
      throw new Error(
        `CORE_OPS_VERIFY_BASE_IMAGE=${wanted}: neither a descriptor.json, a directory holding one, nor an image in ${settings.imageCacheDir}; ` +
          "register it with `core-ops-verify image import <qcow2> --descriptor <json>`",
      );
    }
    return named;
  }
  const newest = images[0];
  if (newest === undefined) {
    throw new Error(
      `no guest image in ${settings.imageCacheDir}: run \`core-ops-verify image build\` (npm run verify does it), ` +
        "or set CORE_OPS_VERIFY_BASE_IMAGE to an image descriptor",
    );
  }
  return newest;
}

/** The images in the cache, newest first. */
export function cachedImages(imageCacheDir: string): BaseImage[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(imageCacheDir);
  } catch {
    entries = [];
  }
  const images: BaseImage[] = [];
  for (const entry of entries.sort()) {
    const descriptorPath = join(imageCacheDir, entry, "descriptor.json");
    try {
      images.push({ descriptor: readDescriptor(descriptorPath), descriptorPath });
    } catch {
      // An unfinished or foreign directory in the cache is not an image.
    }
  }
  images.sort((a, b) => (a.descriptor.created_at < b.descriptor.created_at ? 1 : -1));
  return images;
}

/** Domain type from the setup's KVM probe (`<state>/host.json`, `accel: kvm|tcg`); `qemu` when unknown. */
export function probedDomainType(hostFactsFile: string): { domainType: "kvm" | "qemu"; reason: string } {
  try {
    const facts = JSON.parse(readFileSync(hostFactsFile, "utf8")) as {
      accel?: unknown;
      accel_reason?: unknown;
    };
    if (facts.accel === "kvm")
      return { domainType: "kvm", reason: `${hostFactsFile}: ${String(facts.accel_reason)}` };
    if (facts.accel === "tcg")
      return { domainType: "qemu", reason: `${hostFactsFile}: ${String(facts.accel_reason)}` };
  } catch {
    // fall through
  }
  return {
    domainType: "qemu",
    reason: `no KVM probe recorded in ${hostFactsFile} (run core-ops-verify setup); using TCG`,
  };
}
