/**
 * The package-set digest of a guest image: sha256 over its Debian packages as sorted `name=version` lines.
 * Two images with the same digest carry exactly the same packages in exactly the same versions, whatever
 * day they were built; the protected gate compares it with the environment fixture
 * (harness/release-gate-environment.json, README "Release gate").
 */
import { createHash } from "node:crypto";

export function packageSetDigest(packages: Readonly<Record<string, string>>): string {
  const lines = Object.entries(packages)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, version]) => `${name}=${version}\n`)
    .join("");
  return `sha256:${createHash("sha256").update(lines).digest("hex")}`;
}
