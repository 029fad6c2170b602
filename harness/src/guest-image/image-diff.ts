/**
 * `core-ops-verify image diff <a> <b>`: how two guest images differ — their identity (recipe, kernel,
 * Ignition, digests) and every package that was added, removed or moved to another version. Pure.
 */
import type { ImageDescriptor } from "./descriptor.js";
import { imageIdentity } from "./identity.js";
import { diffPackages, renderPackageChange } from "./package-lock.js";

export function diffImages(a: ImageDescriptor, b: ImageDescriptor): string[] {
  const ia = imageIdentity(a);
  const ib = imageIdentity(b);
  const out: string[] = [];
  for (const key of Object.keys(ia) as (keyof typeof ia)[]) {
    if (ia[key] !== ib[key]) out.push(`${key}: ${ia[key] ?? "(unknown)"} → ${ib[key] ?? "(unknown)"}`);
  }
  const packages = diffPackages(a.packages, b.packages);
  out.push(
    packages.length === 0
      ? `packages: identical (${Object.keys(a.packages).length})`
      : `packages: ${packages.length} difference(s)`,
  );
  for (const c of packages) out.push(`  ${renderPackageChange(c)}`);
  return out;
}
