import { describe, expect, it } from "vitest";
import { mountsBelow } from "./safe-remove.js";

describe("mountsBelow", () => {
  const mounts = [
    "/dev/vda / ext4 rw 0 0",
    "proc /var/lib/x/work/h/rootfs/proc proc rw 0 0",
    "udev /var/lib/x/work/h/rootfs/dev devtmpfs rw 0 0",
    "devpts /var/lib/x/work/h/rootfs/dev/pts devpts rw 0 0",
    "tmpfs /var/lib/x/work/h/rootfs/with\\040space tmpfs rw 0 0",
    "tmpfs /var/lib/x/work/h2 tmpfs rw 0 0",
    "tmpfs /var/lib/x/work/h tmpfs rw 0 0",
  ].join("\n");

  it("lists mounts strictly below the directory, deepest first, decoding escapes", () => {
    expect(mountsBelow(mounts, "/var/lib/x/work/h")).toEqual([
      "/var/lib/x/work/h/rootfs/with space",
      "/var/lib/x/work/h/rootfs/dev/pts",
      "/var/lib/x/work/h/rootfs/proc",
      "/var/lib/x/work/h/rootfs/dev",
    ]);
  });

  it("does not confuse a sibling with a common prefix", () => {
    expect(mountsBelow(mounts, "/var/lib/x/work/h2")).toEqual([]);
  });
});
