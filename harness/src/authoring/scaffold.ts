/**
 * `core-ops-verify spec new <feature>`: a new `specs/<feature>/` in the Spec Kit layout, from the templates
 * in `.specify/templates/` (`<part>-template.md` → `<part>.md`, `contracts-template.md` →
 * `contracts/README.md`), with `[FEATURE]` replaced by the feature name. An existing directory is never
 * touched.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const SPEC_PARTS = [
  "spec",
  "plan",
  "research",
  "data-model",
  "quickstart",
  "tasks",
  "contracts",
] as const;
const FEATURE = /^[a-z0-9][a-z0-9-]*$/;

export class ScaffoldError extends Error {
  override readonly name = "ScaffoldError";
}

function target(part: string): string {
  return part === "contracts" ? join("contracts", "README.md") : `${part}.md`;
}

/** Writes the scaffold; returns the files written, relative to the spec directory. */
export async function scaffoldSpec(repoRoot: string, feature: string): Promise<string[]> {
  if (!FEATURE.test(feature)) {
    throw new ScaffoldError(
      `feature name "${feature}" must be lowercase letters, digits and '-' (e.g. mounts)`,
    );
  }
  const templates = join(repoRoot, ".specify", "templates");
  const dir = join(repoRoot, "specs", feature);
  if (existsSync(dir)) throw new ScaffoldError(`${join("specs", feature)} already exists; edit it instead`);
  const available = new Set(existsSync(templates) ? await readdir(templates) : []);
  const missing = SPEC_PARTS.filter((p) => !available.has(`${p}-template.md`));
  if (missing.length > 0) {
    throw new ScaffoldError(`.specify/templates/ lacks ${missing.map((p) => `${p}-template.md`).join(", ")}`);
  }
  await mkdir(join(dir, "contracts"), { recursive: true });
  const written: string[] = [];
  for (const part of SPEC_PARTS) {
    const text = await readFile(join(templates, `${part}-template.md`), "utf8");
    await writeFile(join(dir, target(part)), text.replaceAll("[FEATURE]", feature));
    written.push(target(part));
  }
  return written;
}
