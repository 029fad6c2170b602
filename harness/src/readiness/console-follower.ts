/**
 * Follows a growing serial console log file: each `poll()` returns the complete lines appended since the
 * last call (a trailing partial line waits for its newline). The file may not exist yet (libvirt creates it
 * at domain start); that reads as no lines.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export class ConsoleFollower {
  private offset = 0;
  private partial = "";

  constructor(readonly path: string) {}

  poll(): string[] {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        // Truncated (a new file at the same path): start over.
        this.offset = 0;
        this.partial = "";
      }
      if (size === this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += read;
      const text = this.partial + buffer.subarray(0, read).toString("latin1");
      const lines = text.split("\n");
      this.partial = lines.pop() ?? "";
      return lines;
    } finally {
      closeSync(fd);
    }
  }
}
