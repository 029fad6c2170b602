/** Test helper: builds a real directory tree in a fresh temp dir. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type TreeEntry =
  | string
  | Buffer
  | { symlink: string }
  | { content: string | Buffer; mode: number }
  | { dir: true };

/** Creates `files` (relative path → content) under a new temp directory and returns its path. */
export function makeTree(files: Record<string, TreeEntry>, prefix = "core-ops-desired-"): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  writeTree(root, files);
  return root;
}

export function writeTree(root: string, files: Record<string, TreeEntry>): void {
  for (const [rel, entry] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    if (typeof entry === "string" || Buffer.isBuffer(entry)) writeFileSync(abs, entry);
    else if ("symlink" in entry) symlinkSync(entry.symlink, abs);
    else if ("dir" in entry) mkdirSync(abs, { recursive: true });
    else {
      writeFileSync(abs, entry.content);
      chmodSync(abs, entry.mode);
    }
  }
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
