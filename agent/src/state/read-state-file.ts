/**
 * Reads a file of the state directory (status.json, snapshots.json, the lock) without ever blocking: the
 * file is opened non-blocking and must be a regular file. A FIFO, socket or device at that path would
 * otherwise hang `status` or an apply forever; it is refused with `ENOTREG` (a directory keeps `EISDIR`), so
 * each caller reports it as the bad path it is.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from "node:fs";

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return "not a regular file";
}

export function readStateFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (!stat.isFile())
      throw Object.assign(new Error(`${kindOf(stat)}, not a regular file`), { code: "ENOTREG" });
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}
