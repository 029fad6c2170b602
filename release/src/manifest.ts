/**
 * The project's version lives in the root package.json; the workspace packages and package-lock.json carry the
 * same version (changes/README.md). This module reads versions out of manifest texts and tells a version-only
 * manifest change (release metadata) from a real one (dependencies, scripts: releasable).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function parseJson(text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The `version` field of a package.json text; undefined when absent or unreadable. */
export function manifestVersion(text: string | undefined): string | undefined {
  const j = parseJson(text);
  return isObject(j) && typeof j.version === "string" ? j.version : undefined;
}

/** Lockfile entries that are this project's own packages: `""` (the root) and workspace paths. */
function isOwnLockEntry(key: string): boolean {
  return !key.startsWith("node_modules/") && !key.includes("/node_modules/");
}

/** The manifest with every field of this project's own version removed, as canonical JSON. */
function withoutOwnVersions(path: string, j: Json): string {
  const strip = (v: Json): Json => {
    if (!isObject(v)) return v;
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(v).sort()) {
      if (k === "version") continue;
      const child = v[k] as Json;
      if (path === "package-lock.json" && k === "packages" && isObject(child)) {
        const pkgs: { [k: string]: Json } = {};
        for (const pk of Object.keys(child).sort()) {
          const entry = child[pk] as Json;
          if (isOwnLockEntry(pk) && isObject(entry)) {
            const { version: _omit, ...rest } = entry;
            pkgs[pk] = canonical(rest);
          } else pkgs[pk] = canonical(entry);
        }
        out[k] = pkgs;
      } else out[k] = canonical(child);
    }
    return out;
  };
  return JSON.stringify(strip(j));
}

function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isObject(v)) return v;
  const out: { [k: string]: Json } = {};
  for (const k of Object.keys(v).sort()) out[k] = canonical(v[k] as Json);
  return out;
}

/** True when `before` and `after` differ at most in this project's own version fields. */
export function isVersionOnlyChange(
  path: string,
  before: string | undefined,
  after: string | undefined,
): boolean {
  const b = parseJson(before);
  const a = parseJson(after);
  if (b === undefined || a === undefined) return false;
  return withoutOwnVersions(path, b) === withoutOwnVersions(path, a);
}

/** Every place package-lock.json records this project's version: `version` and own `packages` entries. */
export function lockfileVersions(text: string | undefined): { field: string; version: string }[] {
  const j = parseJson(text);
  if (!isObject(j)) return [];
  const out: { field: string; version: string }[] = [];
  if (typeof j.version === "string") out.push({ field: "version", version: j.version });
  const pkgs = j.packages;
  if (isObject(pkgs)) {
    for (const key of Object.keys(pkgs).sort()) {
      const entry = pkgs[key] as Json;
      if (isOwnLockEntry(key) && isObject(entry) && typeof entry.version === "string")
        out.push({ field: `packages["${key}"].version`, version: entry.version });
    }
  }
  return out;
}
