/**
 * One image build per recipe hash at a time across processes: an exclusive lock file holding the owner's
 * PID. A lock whose owner is gone is stale and taken over; a live owner is waited for.
 */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { retry } from "../retry.js";
import { processAlive } from "./process-alive.js";
import type { ProgressLog } from "./progress-log.js";

export async function withBuildLock<T>(
  lockFile: string,
  log: ProgressLog,
  work: () => Promise<T>,
): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true, mode: 0o755 });
  let announced = false;
  const acquire = async (): Promise<true | undefined> => {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = Number.parseInt((await readFile(lockFile, "utf8").catch(() => "")).trim(), 10);
    if (!Number.isInteger(owner) || !processAlive(owner)) {
      await rm(lockFile, { force: true });
      return acquire();
    }
    if (!announced) log(`image: waiting for the build in process ${owner} (${lockFile})`);
    announced = true;
    return undefined;
  };
  // A live owner is waited for as long as its build takes.
  await retry(acquire, { what: `the image build lock ${lockFile}`, timeoutMs: Number.POSITIVE_INFINITY });
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}
