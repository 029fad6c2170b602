/** The harness's version: the root package.json's (one version for the project). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function readVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ["../../..", "../../../.."]) {
    try {
      const pkg = JSON.parse(readFileSync(join(here, up, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "core-ops" && pkg.version) return pkg.version;
    } catch {
      // try the next level
    }
  }
  return "unknown";
}

export const BUILD_VERSION = readVersion();
