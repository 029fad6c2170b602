/**
 * Removing a build's scratch root file system safely: an interrupted mmdebstrap can leave /proc, /sys or
 * /dev mounts inside it, and a recursive delete through a bind mount would delete the host's files.
 * Mounts below the directory are unmounted first (deepest first); if any remains, nothing is deleted.
 */
import { readFile, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { type RunCommand, runCommand, SubstrateError } from "./command.js";

/** Pure: mount points (field 2 of /proc/self/mounts, octal escapes decoded) strictly below `dir`, deepest first. */
export function mountsBelow(mountsText: string, dir: string): string[] {
  const prefix = `${resolve(dir)}/`;
  return mountsText
    .split("\n")
    .map((line) => line.split(" ")[1])
    .filter((m): m is string => m !== undefined && m !== "")
    .map((m) => m.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8))))
    .filter((m) => m.startsWith(prefix))
    .sort((a, b) => b.length - a.length || (a < b ? 1 : a > b ? -1 : 0));
}

export async function removeTreeSafely(dir: string, run: RunCommand = runCommand): Promise<void> {
  const mounted = mountsBelow(await readFile("/proc/self/mounts", "utf8"), dir);
  for (const m of mounted) await run("umount", [m]);
  const left = mountsBelow(await readFile("/proc/self/mounts", "utf8"), dir);
  if (left.length > 0) {
    throw new SubstrateError(
      `not deleting ${dir}: still mounted below it: ${left.join(", ")}`,
      `unmount them (umount -R ${dir}/…) and run the build again`,
    );
  }
  await rm(dir, { recursive: true, force: true });
}
