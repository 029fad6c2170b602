/** Which volumes in the storage pool are overlays on which base volume (so a base in use is never removed). */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { RunCommand } from "./command.js";
import type { SubstratePaths } from "./paths.js";

/** Backing files of the pool's qcow2 volumes (`qemu-img info -U`: no lock taken on running guests). */
export async function backingFiles(
  paths: SubstratePaths,
  run: RunCommand,
): Promise<{ volume: string; backing: string }[]> {
  if (!existsSync(paths.poolDir)) return [];
  const out: { volume: string; backing: string }[] = [];
  for (const n of (await readdir(paths.poolDir)).sort()) {
    if (n.startsWith(".")) continue;
    const info = await run("qemu-img", ["info", "-U", "--output=json", join(paths.poolDir, n)]);
    if (info.exitCode !== 0) continue;
    const parsed = JSON.parse(info.stdout) as {
      "backing-filename"?: string;
      "full-backing-filename"?: string;
    };
    const backing = parsed["full-backing-filename"] ?? parsed["backing-filename"];
    if (backing) out.push({ volume: n, backing });
  }
  return out;
}

/** Overlay volumes in the pool whose backing file is `volume` (a name in the pool). */
export async function overlaysOf(volume: string, paths: SubstratePaths, run: RunCommand): Promise<string[]> {
  const base = join(paths.poolDir, volume);
  return (await backingFiles(paths, run))
    .filter((b) => b.backing === base || b.backing === volume)
    .map((b) => b.volume)
    .sort();
}
