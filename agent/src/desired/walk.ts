/**
 * The file-system half of reading a repository: sorted directory listings, file facts and the symlink
 * audit. Directory order is never trusted; every listing is sorted here.
 */
import { type Dirent, lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { layoutError } from "../errors.js";
import { nonUtf8Names, showFileName } from "./file-name-bytes.js";
import { compareNames } from "./names.js";

export type EntryKind = "file" | "dir" | "other";

export interface Entry {
  name: string;
  /** Absolute path. */
  abs: string;
  /** Repository-relative, '/'-separated path. */
  rel: string;
  /** What the entry is after following an in-repository symlink to a file. */
  kind: EntryKind;
  /** Size in bytes (files). */
  size: number;
  /** Any execute bit set (files). */
  executable: boolean;
}

/** Sorted directory listings of a whole repository, keyed by absolute directory path (see `scanRepository`). */
export type Listing = Map<string, Dirent[]>;

/**
 * Lists a directory, sorted by name. `rel` is the directory's repository-relative path ('' for the root).
 * Uses `listing` when it holds the directory, so a repository is read from disk once.
 */
export function listDir(abs: string, rel: string, listing?: Listing): Entry[] {
  const dirents = listing?.get(abs) ?? sortedDirents(abs);
  return dirents.map((d) => describe(path.join(abs, d.name), rel ? `${rel}/${d.name}` : d.name, d.name, d));
}

function sortedDirents(abs: string): Dirent[] {
  return readdirSync(abs, { withFileTypes: true }).sort((a, b) => compareNames(a.name, b.name));
}

/** Describes one path (following a symlink that stays inside the repository; see `auditSymlinks`). */
export function describe(abs: string, rel: string, name = path.posix.basename(rel), dirent?: Dirent): Entry {
  if (dirent?.isDirectory()) return { name, abs, rel, kind: "dir", size: 0, executable: false };
  const l = lstatSync(abs);
  if (l.isSymbolicLink()) {
    let s: ReturnType<typeof statSync>;
    try {
      s = statSync(abs);
    } catch {
      throw layoutError(`symlink '${rel}' points to '${readlinkSync(abs)}', which does not exist`, {
        code: "symlink_dangling",
        file: rel,
        hint: "fix or remove the symlink",
      });
    }
    if (s.isDirectory()) {
      throw layoutError(`symlink '${rel}' points to a directory`, {
        code: "symlinked_directory",
        file: rel,
        hint: "symlinks to directories are not followed; copy the files or link each file",
      });
    }
    return {
      name,
      abs,
      rel,
      kind: s.isFile() ? "file" : "other",
      size: s.size,
      executable: (s.mode & 0o111) !== 0,
    };
  }
  return {
    name,
    abs,
    rel,
    kind: l.isFile() ? "file" : l.isDirectory() ? "dir" : "other",
    size: l.size,
    executable: (l.mode & 0o111) !== 0,
  };
}

/** All files below a directory (recursively), sorted by repository-relative path. */
export function listFilesRecursive(abs: string, rel: string, listing?: Listing): Entry[] {
  const out: Entry[] = [];
  const visit = (dirAbs: string, dirRel: string): void => {
    for (const entry of listDir(dirAbs, dirRel, listing)) {
      if (entry.kind === "dir") visit(entry.abs, entry.rel);
      else out.push(entry);
    }
  };
  visit(abs, rel);
  return out.sort((a, b) => compareNames(a.rel, b.rel));
}

/** True when `candidate` (absolute) is `root` or below it. */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Reads every directory of the repository once (except the root `.git`) and rejects any symlink whose
 * target — lexically or after resolving further links — lies outside the repository. `realRoot` must be a
 * real path. A file name that is not UTF-8 anywhere in the repository is an error (it could not be read back,
 * and git and systemd would not agree on it). Returns the sorted listings for `listDir`.
 */
export function scanRepository(realRoot: string): Listing {
  const listing: Listing = new Map();
  const visit = (dirAbs: string, dirRel: string): void => {
    const dirents = sortedDirents(dirAbs);
    listing.set(dirAbs, dirents);
    const [raw] = nonUtf8Names(
      dirAbs,
      dirents.filter((d) => !(dirRel === "" && d.name === ".git")).map((d) => d.name),
    );
    if (raw) {
      const rel = `${dirRel ? `${dirRel}/` : ""}${showFileName(raw)}`;
      throw layoutError(`file name '${rel}' is not valid UTF-8`, {
        code: "file_name_not_utf8",
        file: rel,
        hint: "rename it to a UTF-8 name (git mv); non-UTF-8 bytes are shown as \\xNN",
      });
    }
    for (const d of dirents) {
      if (dirRel === "" && d.name === ".git") continue;
      const abs = path.join(dirAbs, d.name);
      const rel = dirRel ? `${dirRel}/${d.name}` : d.name;
      if (d.isSymbolicLink()) {
        const target = readlinkSync(abs);
        const lexical = path.resolve(dirAbs, target);
        let resolved = lexical;
        try {
          resolved = realpathSync(abs);
        } catch {
          // dangling: judged by its lexical target; reading it later reports it as dangling
        }
        if (!isInside(realRoot, lexical) || !isInside(realRoot, resolved)) {
          throw layoutError(`symlink '${rel}' points outside the repository (to '${target}')`, {
            code: "symlink_escapes_repository",
            file: rel,
            hint: "replace the symlink with the file itself, or point it at a file inside the repository",
          });
        }
      } else if (d.isDirectory()) {
        visit(abs, rel);
      }
    }
  };
  visit(realRoot, "");
  return listing;
}
