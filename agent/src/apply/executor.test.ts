/**
 * The executor's sequence of phases — plan order, removals before writes, reload once, mountpoints and
 * mounts — with the recording `Systemd` double and a real file system under a temp dir
 * (test-support/executor-doubles.ts).
 */
import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NodeHostFs } from "../effects/host-fs.js";
import { executePlan } from "./executor.js";
import type { InstallInfo } from "./ports.js";
import { file, obj, opts, Q, RecordingSystemd, rootFs, U } from "./test-support/executor-doubles.js";
import { mountedTargets } from "./verification.js";

describe("executor ordering and propagation", () => {
  it("writes in plan order, reloads once, starts new units, restarts changed ones and the consumers the plan restarts", async () => {
    const fs = rootFs();
    fs.writeAtomic(`${Q}/db.container`, Buffer.from("old"), 0o644, 0, 0);
    fs.writeAtomic("/etc/web/app.conf", Buffer.from("old"), 0o644, 0, 0);
    const sd = new RecordingSystemd();
    const objects = [
      obj({
        id: "config/etc/web/app.conf",
        kind: "rendered_artifact",
        action: "update",
        activation: "none",
        expectation: "none",
        files: [file("/etc/web/app.conf", "new", false)],
      }),
      obj({
        id: "volume/data.volume",
        unit: "data-volume.service",
        action: "create",
        expectation: "active_or_exited",
        files: [file(`${Q}/data.volume`, "v")],
      }),
      obj({
        id: "container/db.container",
        unit: "db.service",
        action: "update",
        prerequisites: ["volume/data.volume"],
        files: [file(`${Q}/db.container`, "new")],
      }),
      // The plan restarts a consumer of a changed binding prerequisite (plan/compute-plan.ts).
      obj({
        id: "container/web.container",
        unit: "web.service",
        action: "restart",
        prerequisites: ["container/db.container", "config/etc/web/app.conf"],
        files: [],
      }),
      obj({ id: "container/other.container", unit: "other.service", action: "no_op" }),
    ];
    const res = await executePlan(objects, { systemd: sd, fs, dryRun: null }, opts);
    expect(sd.actions()).toEqual([
      "daemon-reload",
      "start data-volume.service",
      "restart db.service",
      "restart web.service",
    ]);
    expect(readFileSync(fs.resolve(`${Q}/data.volume`), "utf8")).toBe("v");
    expect(res.convergence.status).toBe("success");
    const writes = res.events.filter((e) => e.operation === "write").map((e) => e.target);
    expect(writes).toEqual(["/etc/web/app.conf", `${Q}/data.volume`, `${Q}/db.container`]);
    expect(res.objects.find((o) => o.object === "container/web.container")?.executed).toEqual([
      "check_loaded",
      "restart",
      "verify",
    ]);
    expect(res.objects.find((o) => o.object === "container/other.container")?.executed).toEqual([
      "check_loaded",
      "verify",
    ]);
    expect(res.events.map((e) => e.sequence)).toEqual(res.events.map((_, i) => i));
  });

  it("stops a unit under its old name when its generated name changes", async () => {
    const fs = rootFs();
    const sd = new RecordingSystemd();
    await executePlan(
      [
        obj({
          id: "container/web.container",
          unit: "frontend.service",
          previousUnit: "web.service",
          action: "replace",
          files: [file(`${Q}/web.container`, "[Service]\n")],
        }),
      ],
      { systemd: sd, fs, dryRun: null },
      opts,
    );
    expect(sd.actions()).toEqual(["stop web.service", "daemon-reload", "restart frontend.service"]);
  });

  it("neither writes nor starts a blocked object, and leaves a no_op object's tolerated bytes alone", async () => {
    const fs = rootFs();
    fs.writeAtomic(
      `${Q}/same.container`,
      Buffer.from("# a comment the plan tolerates\n[Container]\n"),
      0o644,
      0,
      0,
    );
    const sd = new RecordingSystemd();
    const res = await executePlan(
      [
        obj({
          id: "container/blocked.container",
          unit: "blocked.service",
          action: "blocked",
          files: [file(`${Q}/blocked.container`, "b")],
        }),
        obj({
          id: "container/same.container",
          unit: "same.service",
          action: "no_op",
          files: [file(`${Q}/same.container`, "[Container]\n")],
        }),
      ],
      { systemd: sd, fs, dryRun: null },
      opts,
    );
    expect(fs.stat(`${Q}/blocked.container`)).toBeNull();
    expect(fs.read(`${Q}/same.container`)?.toString()).toContain("a comment");
    expect(sd.actions()).toEqual([]);
    expect(res.objects.map((o) => o.final_state)).toEqual(["blocked", "no_op"]);
  });

  it("makes no writes and no state-changing calls when everything is in place", async () => {
    const fs = rootFs();
    fs.writeAtomic(`${Q}/web.container`, Buffer.from("x"), 0o644, 0, 0);
    const writes = fs.writes;
    const sd = new RecordingSystemd();
    const res = await executePlan(
      [
        obj({
          id: "container/web.container",
          unit: "web.service",
          action: "no_op",
          files: [file(`${Q}/web.container`, "x")],
        }),
      ],
      { systemd: sd, fs, dryRun: null },
      opts,
    );
    expect(fs.writes).toBe(writes);
    expect(sd.actions()).toEqual([]);
    expect(res.changed).toBe(false);
    expect(res.convergence.status).toBe("success");
  });

  it("stops and removes in plan order (dependents first), disabling native units, and never starts a socket-activated service", async () => {
    const fs = rootFs();
    fs.writeAtomic(`${U}/a.service`, Buffer.from("a"), 0o644, 0, 0);
    fs.writeAtomic(`${U}/b.service`, Buffer.from("b"), 0o644, 0, 0);
    const sd = new RecordingSystemd();
    const install: InstallInfo = { wantedBy: ["multi-user.target"], requiredBy: [], alias: [], also: [] };
    const keep = [
      obj({
        id: "socket/s.socket",
        kind: "generated_unit",
        unit: "s.socket",
        action: "create",
        files: [file(`${U}/s.socket`, "s")],
      }),
      obj({
        id: "container/s.container",
        unit: "s.service",
        action: "create",
        activation: "via_socket",
        socketUnit: "s.socket",
        files: [file(`${Q}/s.container`, "c")],
      }),
    ];
    const objects = [
      ...keep,
      // As the planner orders deletes: the dependent (b needs a) first.
      obj({
        id: "service/b.service",
        kind: "generated_unit",
        unit: "b.service",
        action: "delete",
        prerequisites: ["service/a.service"],
        removePaths: [`${U}/b.service`],
      }),
      obj({
        id: "service/a.service",
        kind: "generated_unit",
        unit: "a.service",
        action: "delete",
        install,
        removePaths: [`${U}/a.service`],
      }),
      obj({ id: "service/c.service", kind: "generated_unit", unit: "c.service", action: "no_op" }),
      obj({ id: "service/d.service", kind: "generated_unit", unit: "d.service", action: "no_op" }),
    ];
    sd.states = (u) =>
      u === "s.service"
        ? {
            LoadState: "loaded",
            ActiveState: "inactive",
            SubState: "dead",
            NRestarts: "0",
            Result: "success",
          }
        : { LoadState: "loaded", ActiveState: "active", SubState: "running", NRestarts: "0" };
    const res = await executePlan(objects, { systemd: sd, fs, dryRun: null }, opts);
    expect(sd.actions()).toEqual([
      "stop b.service",
      "reset-failed b.service",
      "disable a.service",
      "stop a.service",
      "reset-failed a.service",
      "daemon-reload",
      "start s.socket",
    ]);
    expect(fs.stat(`${U}/a.service`)).toBeNull();
    expect(res.convergence.status).toBe("success");
  });
});

describe("mounts", () => {
  it("prepares the mountpoint and activates an automount-backed mount through its .automount", async () => {
    const fs = rootFs();
    const sd = new RecordingSystemd();
    const res = await executePlan(
      [
        obj({
          id: "mount/srv-media.mount",
          kind: "mount",
          unit: "srv-media.mount",
          action: "create",
          activation: "via_automount",
          automountUnit: "srv-media.automount",
          expectation: "mounted",
          mount: { where: "/srv/media", createMountpoint: true },
          files: [file(`${U}/srv-media.mount`, "m"), file(`${U}/srv-media.automount`, "a")],
        }),
      ],
      { systemd: sd, fs, dryRun: null },
      opts,
    );
    expect(statSync(fs.resolve("/srv/media")).isDirectory()).toBe(true);
    expect(sd.actions()).toEqual(["daemon-reload", "start srv-media.automount"]);
    expect(res.convergence.status).toBe("success");
  });

  it.each([
    ["stop succeeds", false],
    ["stop fails (umount: target is busy)", true],
  ])(
    "stops dependents before removing a mount and fails a busy mount without removing it (%s)",
    async (_, stopFails) => {
      const fs = rootFs();
      fs.writeAtomic(`${U}/srv-data.mount`, Buffer.from("m"), 0o644, 0, 0);
      fs.writeAtomic(
        "/mountinfo",
        Buffer.from("36 35 0:41 / /srv/data rw,relatime shared:1 - nfs4 nas:/d rw\n"),
        0o644,
        0,
        0,
      );
      const real = new NodeHostFs(fs.root, fs.resolve("/mountinfo"));
      // An offline root never reports mounts; this test needs mountinfo, so override it.
      real.mountinfo = () => readFileSync(fs.resolve("/mountinfo"), "utf8");
      const sd = new RecordingSystemd();
      if (stopFails) sd.failStop.add("srv-data.mount");
      const res = await executePlan(
        [
          obj({
            id: "container/app.container",
            unit: "app.service",
            action: "no_op",
            prerequisites: ["mount/srv-data.mount"],
          }),
          obj({
            id: "mount/srv-data.mount",
            kind: "mount",
            unit: "srv-data.mount",
            action: "delete",
            expectation: "mounted",
            mount: { where: "/srv/data", createMountpoint: true },
            removePaths: [`${U}/srv-data.mount`],
          }),
          obj({ id: "container/x.container", unit: "x.service", action: "no_op" }),
        ],
        { systemd: sd, fs: real, dryRun: null },
        opts,
      );
      expect(sd.actions().slice(0, 2)).toEqual(["stop app.service", "stop srv-data.mount"]);
      expect(real.stat(`${U}/srv-data.mount`)).not.toBeNull();
      const failure = res.objects.find((o) => o.object === "mount/srv-data.mount")?.failure;
      expect(failure?.reason).toBe("busy_mount");
      expect(failure?.detail).toMatch(/^busy mount removal: \/srv\/data/);
      expect(res.convergence.status).toBe("blocked");
    },
  );

  it("decodes mountinfo escapes", () => {
    expect(mountedTargets("1 2 0:1 / /srv/my\\040media rw - nfs a rw\n").has("/srv/my media")).toBe(true);
  });
});
