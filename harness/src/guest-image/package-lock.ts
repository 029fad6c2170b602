/**
 * `harness/guest-image/recipe/packages.lock`: the guest's packages pinned as `name=version` lines. The build
 * pins them through apt preferences (hooks/setup.sh); afterwards the build reports which packages did not get
 * their pinned version (the archive no longer has it), which are new and which are gone (`diffPackages`
 * from the lock to the built set). Pure.
 */
import { SubstrateError } from "./command.js";

export function parsePackageLock(text: string, file = "packages.lock"): Record<string, string> {
  const out: Record<string, string> = {};
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") return;
    const m = /^([a-z0-9][a-z0-9+.-]+)=(\S+)$/.exec(line);
    if (!m?.[1] || !m[2]) {
      throw new SubstrateError(
        `${file}:${i + 1}: "${line}" is not name=version`,
        "one pinned package per line",
      );
    }
    out[m[1]] = m[2];
  });
  return out;
}

export interface PackageChange {
  name: string;
  /** null: not in the first set. */
  from: string | null;
  /** null: not in the second set. */
  to: string | null;
}

/** Package-level differences from `a` to `b`, sorted by name. */
export function diffPackages(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): PackageChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.flatMap((name) => {
    const from = a[name] ?? null;
    const to = b[name] ?? null;
    return from === to ? [] : [{ name, from, to }];
  });
}

/** One line per change: `~ name old → new`, `+ name new`, `- name old`. */
export function renderPackageChange(c: PackageChange): string {
  if (c.from === null) return `+ ${c.name} ${c.to}`;
  if (c.to === null) return `- ${c.name} ${c.from}`;
  return `~ ${c.name} ${c.from} → ${c.to}`;
}

/** The lock file text for a package set (header comment kept from `previous`). */
export function renderPackageLock(packages: Readonly<Record<string, string>>, previous = ""): string {
  const header = previous.split("\n").filter((l) => l.startsWith("#"));
  const body = Object.keys(packages)
    .sort()
    .map((n) => `${n}=${packages[n]}`);
  return `${[...header, ...body].join("\n")}\n`;
}
