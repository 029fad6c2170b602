/**
 * The one mapping from logical host paths (`/etc/...`) to real paths, used by observation and by every
 * write, link and delete (README "What CoreOps owns and where it writes"). It resolves the way
 * `openat2(RESOLVE_IN_ROOT)` and `systemctl --root` do:
 *
 * - every intermediate component is resolved *inside* the root: an absolute symlink is read as if the root
 *   were `/`, a relative one from the directory that holds it, and `..` never climbs above the root;
 * - the leaf is not followed (unless the caller asks for a directory it will list or create): a managed file
 *   that is a symlink is replaced or removed as a link, never written through;
 * - components that do not exist yet are taken literally (they are created as directories below the root).
 *
 * On a live host the root is `/`, so the result is what the kernel would resolve — minus the leaf link.
 * Nothing is cached: every call looks at the file system as it is now.
 */
import { lstatSync, readlinkSync } from "node:fs";
import { resolve as resolvePath } from "node:path";

/** The kernel's limit on symlinks followed in one lookup (`MAXSYMLINKS`). */
const MAX_LINKS = 40;

export class RootResolutionError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot resolve ${path}: ${reason}`);
    this.name = "RootResolutionError";
  }
}

function components(path: string): string[] {
  return path.split("/").filter((c) => c !== "" && c !== ".");
}

export class RootResolver {
  /** Absolute real directory the logical `/` maps to (`/` on a live host). */
  readonly root: string;

  constructor(root: string | null) {
    this.root = root === null ? "/" : resolvePath(root);
  }

  get live(): boolean {
    return this.root === "/";
  }

  private join(stack: readonly string[]): string {
    const rel = stack.join("/");
    if (this.root === "/") return `/${rel}`;
    return rel === "" ? this.root : `${this.root}/${rel}`;
  }

  /**
   * The real path of logical `path`. `followLeaf` resolves the last component too (for a directory that
   * is listed or created, e.g. a managed directory or a mountpoint); files are never followed.
   */
  resolve(path: string, opts: { followLeaf?: boolean } = {}): string {
    if (!path.startsWith("/")) throw new RootResolutionError(path, "not an absolute host path");
    const stack: string[] = [];
    let todo = components(path);
    let links = 0;
    let missing = false;
    while (todo.length > 0) {
      const c = todo.shift() as string;
      if (c === "..") {
        stack.pop(); // at the root, `..` is the root
        continue;
      }
      const leaf = todo.length === 0;
      if (missing || (leaf && !opts.followLeaf)) {
        stack.push(c);
        continue;
      }
      const real = this.join([...stack, c]);
      let isLink = false;
      try {
        isLink = lstatSync(real).isSymbolicLink();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
        missing = true;
      }
      if (!isLink) {
        stack.push(c);
        continue;
      }
      links += 1;
      if (links > MAX_LINKS) throw new RootResolutionError(path, "too many levels of symbolic links");
      const target = readlinkSync(real);
      if (target.startsWith("/")) stack.length = 0;
      todo = [...components(target), ...todo];
    }
    return this.join(stack);
  }
}
