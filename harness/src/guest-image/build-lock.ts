/**
 * One image build per recipe hash at a time across processes: an exclusive lock file holding the owner's
 * PID. A lock whose owner is gone is stale and taken over; a live owner is waited for.
 */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { processAlive } from "./process-alive.js";
import type { ProgressLog } from "./progress-log.js";

export async function withBuildLock<T>(
  lockFile: string,
  log: ProgressLog,
  work: () => Promise<T>,
): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true, mode: 0o755 });
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number.parseInt((await readFile(lockFile, "utf8").catch(() => "")).trim(), 10);
      if (!Number.isInteger(owner) || !processAlive(owner)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (!announced) log(`image: waiting for the build in process ${owner} (${lockFile})`);
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}
