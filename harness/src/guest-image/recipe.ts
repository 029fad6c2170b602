/**
 * The guest image recipe kept in the repository (`harness/guest-image/recipe/`) and its content hash.
 * The hash covers every file's relative path, executable bit and content, plus the builder's format
 * version, so any change to the recipe (or to how it is turned into an image) yields a new cache entry.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { SubstrateError } from "./command.js";
import { parsePackageLock } from "./package-lock.js";

/** Bump when build.ts changes how a recipe becomes an image (layout, disk format, descriptor fields). */
export const BUILDER_VERSION = 1;

/** The recipe directory shipped with the harness (same relative place from src/ and dist/). */
export const DEFAULT_RECIPE_DIR = fileURLToPath(new URL("../../guest-image/recipe/", import.meta.url));

export interface RecipeFile {
  /** Relative path with `/` separators. */
  path: string;
  executable: boolean;
  content: Buffer;
}

export interface Recipe {
  dir: string;
  suite: string;
  mirror: string;
  packages: string[];
  cmdline: string;
  /** packages.lock (`name=version`), or undefined when the recipe has none. */
  lock: Record<string, string> | undefined;
  files: RecipeFile[];
  hash: string;
}

/** Pure: the recipe hash of a set of files (order-independent). 64 hex chars. */
export function hashRecipeFiles(files: readonly RecipeFile[], builderVersion = BUILDER_VERSION): string {
  const h = createHash("sha256");
  h.update(`core-ops-verify guest-image builder v${builderVersion}\n`);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    const digest = createHash("sha256").update(f.content).digest("hex");
    h.update(`${f.executable ? "x" : "-"} ${digest} ${f.path}\n`);
  }
  return h.digest("hex");
}

/** The short form used in volume names and logs. */
export function shortHash(hash: string): string {
  return hash.slice(0, 16);
}

/** Pure: package names from packages.txt (comments and blank lines ignored), in file order. */
export function parsePackageList(text: string, file = "packages.txt"): string[] {
  const names: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    if (!/^[a-z0-9][a-z0-9+.-]+$/.test(line)) {
      throw new SubstrateError(
        `${file}:${i + 1}: "${line}" is not a Debian package name`,
        "one package per line",
      );
    }
    names.push(line);
  });
  return names;
}

export async function readRecipeFiles(dir: string): Promise<RecipeFile[]> {
  const out: RecipeFile[] = [];
  async function walk(current: string): Promise<void> {
    const entries = await readdir(current, { withFileTypes: true });
    for (const e of entries) {
      const full = join(current, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) {
        const st = await stat(full);
        out.push({
          path: relative(dir, full).split(sep).join("/"),
          executable: (st.mode & 0o111) !== 0,
          content: await readFile(full),
        });
      } else {
        throw new SubstrateError(`${full}: only regular files and directories may be in the recipe`);
      }
    }
  }
  await walk(dir);
  return out;
}

export async function loadRecipe(dir = DEFAULT_RECIPE_DIR): Promise<Recipe> {
  let files: RecipeFile[];
  try {
    files = await readRecipeFiles(dir);
  } catch (err) {
    if (err instanceof SubstrateError) throw err;
    throw new SubstrateError(`cannot read the guest image recipe at ${dir}: ${(err as Error).message}`);
  }
  const text = (name: string): string => {
    const f = files.find((x) => x.path === name);
    if (f === undefined) throw new SubstrateError(`${join(dir, name)}: missing from the guest image recipe`);
    return f.content.toString("utf8");
  };
  const single = (name: string): string => {
    const value = text(name).trim();
    if (value === "" || value.includes("\n"))
      throw new SubstrateError(`${join(dir, name)}: must hold one line`);
    return value;
  };
  return {
    dir,
    suite: single("suite"),
    mirror: single("mirror"),
    packages: parsePackageList(text("packages.txt"), join(dir, "packages.txt")),
    cmdline: single("cmdline"),
    lock: files.some((f) => f.path === "packages.lock")
      ? parsePackageLock(text("packages.lock"), join(dir, "packages.lock"))
      : undefined,
    files,
    hash: hashRecipeFiles(files),
  };
}
