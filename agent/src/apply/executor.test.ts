/**
 * The executor's own logic — ordering, restart propagation, retry and oscillation classification — with
 * a recording `Systemd` double (it records calls and reports the unit states each test scripts) and a real
 * file system under a temp dir. Real systemd behaviour is verified in the VM scenarios.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NodeHostFs } from "../effects/host-fs.js";
import { OfflineSystemd } from "../effects/offline-systemd.js";
import type { ObjectFailure } from "../model/execution.js";
import { classifyAttempts, failureSignature } from "./convergence.js";
import { executePlan } from "./executor.js";
import type { ApplyObject, ApplyOptions } from "./model.js";
import type { InstallInfo, QuadletDryRun, Systemd, UnitProperties } from "./ports.js";
import { mountedTargets } from "./verification.js";

class RecordingSystemd implements Systemd {
  readonly mode = "host" as const;
  calls: string[] = [];
  /** Scripted unit states: a function of the unit and how many times `show` was called. */
  states: (unit: string, showCount: number) => Record<string, string | undefined> = () => ({
    LoadState: "loaded",
    ActiveState: "active",
    SubState: "running",
    NRestarts: "0",
  });
  failStart = new Set<string>();
  failStop = new Set<string>();
  private shows = 0;
  async daemonReload() {
    this.calls.push("daemon-reload");
  }
  async show(units: readonly string[], props: readonly string[]): Promise<UnitProperties[]> {
    this.shows += 1;
    this.calls.push(`show ${props.join(",")} ${units.join(" ")}`);
    return units.map((u) => {
      const rec: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.states(u, this.shows))) if (v !== undefined) rec[k] = v;
      return rec;
    });
  }
  async start(unit: string) {
    this.calls.push(`start ${unit}`);
    if (this.failStart.has(unit)) throw new Error(`Job for ${unit} failed`);
  }
  async stop(unit: string) {
    this.calls.push(`stop ${unit}`);
    if (this.failStop.has(unit)) throw new Error(`Job for ${unit} failed`);
  }
  async resetFailed(unit: string) {
    this.calls.push(`reset-failed ${unit}`);
  }
  async restart(unit: string) {
    this.calls.push(`restart ${unit}`);
    if (this.failStart.has(unit)) throw new Error(`Job for ${unit} failed`);
  }
  async enable(unit: string) {
    this.calls.push(`enable ${unit}`);
    return true;
  }
  async disable(unit: string) {
    this.calls.push(`disable ${unit}`);
    return true;
  }
  activeStates: Record<string, string> = {};
  async isActive(unit: string) {
    this.calls.push(`is-active ${unit}`);
    return this.activeStates[unit] ?? "active";
  }
  actions(): string[] {
    return this.calls.filter((c) => !c.startsWith("show"));
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function rootFs(): NodeHostFs {
  const d = mkdtempSync(join(tmpdir(), "core-ops-exec-"));
  dirs.push(d);
  return new NodeHostFs(d);
}

const opts: ApplyOptions = {
  noReload: false,
  retryBudget: 3,
  activationTimeoutMs: 50,
  settleMs: 0,
  systemdUnitDir: "/etc/systemd/system",
  sleep: async () => {},
};

function obj(partial: Partial<ApplyObject> & Pick<ApplyObject, "id">): ApplyObject {
  return {
    kind: "quadlet_resource",
    unit: null,
    previousUnit: null,
    action: "no_op",
    files: [],
    removePaths: [],
    prerequisites: [],
    install: null,
    activation: "start",
    expectation: "active",
    socketUnit: null,
    automountUnit: null,
    containerName: null,
    mount: null,
    toleratedVariance: false,
    hostFiles: {},
    blockedBy: null,
    ...partial,
  };
}
function file(path: string, text: string, unitFile = true) {
  return { path, content: Buffer.from(text), mode: 0o644, owner: "root", group: "root", unitFile };
}

const Q = "/etc/containers/systemd";
const U = "/etc/systemd/system";

describe("Quadlet containers", () => {
  it("fails an active container unit whose container already exited, and repeats to non-convergence", async () => {
    const fs = rootFs();
    const objects = ["good", "bad"].map((n) =>
      obj({
        id: `container/${n}.container`,
        unit: `${n}.service`,
        action: "create",
        containerName: `systemd-${n}`,
        files: [file(`${Q}/${n}.container`, n)],
      }),
    );
    const sd = new RecordingSystemd();
    sd.states = () => ({ LoadState: "loaded", ActiveState: "active", SubState: "running", NRestarts: "0" });
    const asked: string[] = [];
    const containers = {
      state: async (name: string) => {
        asked.push(name);
        return name === "systemd-good"
          ? { status: "running", exitCode: 0 }
          : { status: "exited", exitCode: 3 };
      },
    };
    const res = await executePlan(objects, { systemd: sd, fs, dryRun: null, containers }, opts);
    expect(res.convergence.status).toBe("repeated_failure");
    expect(res.convergence.affected_objects).toEqual(["container/bad.container"]);
    expect(res.convergence.attempts[0]?.failures[0]).toMatchObject({
      reason: "container_not_running",
      detail: "bad.service is active but its container systemd-bad is exited (exit code 3)",
    });
    expect(res.objects.find((o) => o.object === "container/good.container")?.final_state).toBe("succeeded");
    expect(asked).toContain("systemd-good");
  });
});

describe("socket-activated services", () => {
  it("restarts a changed one that is running and leaves an idle one to its socket", async () => {
    const fs = rootFs();
    const objects = ["run", "idle"].map((n) =>
      obj({
        id: `service/${n}.service`,
        kind: "generated_unit",
        unit: `${n}.service`,
        action: "update",
        activation: "via_socket",
        socketUnit: `${n}.socket`,
        files: [file(`${U}/${n}.service`, `${n} v2`)],
      }),
    );
    const sd = new RecordingSystemd();
    sd.activeStates = { "run.service": "active", "idle.service": "inactive" };
    sd.states = (u) => ({
      LoadState: "loaded",
      ActiveState: u.startsWith("run") || u.endsWith(".socket") ? "active" : "inactive",
      SubState: "x",
      Result: "success",
      NRestarts: "0",
    });
    const res = await executePlan(objects, { systemd: sd, fs, dryRun: null }, opts);
    expect(sd.actions()).toEqual([
      "daemon-reload",
      "is-active run.service",
      "restart run.service",
      "is-active idle.service",
    ]);
    expect(res.convergence.status).toBe("success");
  });
});

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

  it("restarts exactly what the plan decided: a no_op consumer of a changed prerequisite is left alone", async () => {
    // The consumer-restart rule is the planner's alone: apply restarts `restart`/`recover` objects and
    // changed ones, never a consumer it works out itself from what it changed.
    const fs = rootFs();
    fs.writeAtomic("/etc/web/app.conf", Buffer.from("old"), 0o644, 0, 0);
    fs.writeAtomic("/etc/api/api.conf", Buffer.from("same"), 0o644, 0, 0);
    const sd = new RecordingSystemd();
    const conf = (id: string, path: string, text: string, action: ApplyObject["action"]) =>
      obj({
        id,
        kind: "rendered_artifact",
        action,
        activation: "none",
        expectation: "none",
        files: [file(path, text, false)],
      });
    const res = await executePlan(
      [
        conf("config/etc/web/app.conf", "/etc/web/app.conf", "new", "update"),
        // Planned as an update, but its bytes are already in place: nothing changes in execution.
        conf("config/etc/api/api.conf", "/etc/api/api.conf", "same", "update"),
        obj({
          id: "container/web.container",
          unit: "web.service",
          action: "no_op",
          prerequisites: ["config/etc/web/app.conf"],
        }),
        obj({
          id: "container/api.container",
          unit: "api.service",
          action: "restart",
          prerequisites: ["config/etc/api/api.conf"],
        }),
      ],
      { systemd: sd, fs, dryRun: null },
      opts,
    );
    expect(sd.actions()).toEqual(["restart api.service"]);
    expect(res.objects.find((o) => o.object === "container/web.container")?.final_state).toBe("no_op");
    expect(res.convergence.status).toBe("success");
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

describe("enablement on a host", () => {
  it("enables a native unit only when systemd reports it disabled, and never a Quadlet unit", async () => {
    const install: InstallInfo = { wantedBy: ["timers.target"], requiredBy: [], alias: [], also: [] };
    const sd = new RecordingSystemd();
    sd.states = (u) => ({
      LoadState: "loaded",
      ActiveState: "active",
      SubState: "running",
      NRestarts: "0",
      UnitFileState: u === "a.timer" ? "enabled" : u === "b.timer" ? "disabled" : "generated",
    });
    const res = await executePlan(
      [
        obj({ id: "timer/a.timer", kind: "generated_unit", unit: "a.timer", install }),
        obj({ id: "timer/b.timer", kind: "generated_unit", unit: "b.timer", install }),
        obj({ id: "container/q.container", unit: "q.service" }),
      ],
      { systemd: sd, fs: rootFs(), dryRun: null },
      opts,
    );
    expect(sd.actions()).toEqual(["enable b.timer"]);
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

describe("loaded check", () => {
  it("explains a Quadlet file that produced no unit with the generator's dry-run and does not start it", async () => {
    const fs = rootFs();
    const sd = new RecordingSystemd();
    sd.states = () => ({ LoadState: "not-found", ActiveState: "inactive", SubState: "dead" });
    const dry: QuadletDryRun = { explain: async (f) => `converting "${f}": unsupported key 'Imagee'` };
    const res = await executePlan(
      [
        obj({
          id: "container/bad.container",
          unit: "bad.service",
          action: "create",
          files: [file(`${Q}/bad.container`, "x")],
        }),
      ],
      { systemd: sd, fs, dryRun: dry },
      opts,
    );
    expect(sd.actions()).toEqual(["daemon-reload"]);
    const failure = res.objects[0]?.failure;
    expect(failure?.reason).toBe("not_loaded");
    expect(failure?.detail).toContain("unsupported key 'Imagee'");
    expect(failure?.detail).toContain("bad.container");
    expect(res.convergence.status).toBe("blocked");
  });
});

describe("verification, retry and classification", () => {
  const web = () =>
    obj({
      id: "container/web.container",
      unit: "web.service",
      action: "create",
      files: [file(`${Q}/web.container`, "w")],
    });

  it("retries a failed unit and converges when it comes up", async () => {
    const sd = new RecordingSystemd();
    sd.states = (_u, n) =>
      n <= 3
        ? {
            LoadState: "loaded",
            ActiveState: "failed",
            SubState: "failed",
            Result: "exit-code",
            NRestarts: "0",
          }
        : { LoadState: "loaded", ActiveState: "active", SubState: "running", NRestarts: "0" };
    const res = await executePlan([web()], { systemd: sd, fs: rootFs(), dryRun: null }, opts);
    expect(sd.actions()).toEqual(["daemon-reload", "start web.service", "restart web.service"]);
    expect(res.convergence.status).toBe("success");
    expect(res.convergence.attempt_count).toBe(2);
    expect(res.convergence.attempts[0]?.signature).toBe("container/web.container=not_running");
    expect(res.convergence.attempts[0]?.failures[0]?.reason).toBe("unit_failed");
  });

  it("stops with repeated_failure when the same failure comes back", async () => {
    const sd = new RecordingSystemd();
    sd.states = () => ({
      LoadState: "loaded",
      ActiveState: "failed",
      SubState: "failed",
      Result: "exit-code",
      NRestarts: "0",
    });
    const res = await executePlan([web()], { systemd: sd, fs: rootFs(), dryRun: null }, opts);
    expect(res.convergence.status).toBe("repeated_failure");
    expect(res.convergence.attempt_count).toBe(2);
    expect(res.objects[0]?.final_state).toBe("failed");
    expect(res.convergence.can_continue).toBe(false);
  });

  it("detects a restart loop from NRestarts growing and an oscillation A/B/A", async () => {
    const sd = new RecordingSystemd();
    let samples = 0;
    sd.states = () => {
      // Which attempt we are in = how many times web.service was started or restarted.
      const attempt = sd.calls.filter((c) => /^(start|restart) web/.test(c)).length;
      if (attempt === 0) return { LoadState: "loaded" };
      samples += 1;
      if (attempt === 2)
        return { LoadState: "loaded", ActiveState: "failed", SubState: "failed", NRestarts: "0" };
      return { LoadState: "loaded", ActiveState: "active", SubState: "running", NRestarts: String(samples) };
    };
    const res = await executePlan([web()], { systemd: sd, fs: rootFs(), dryRun: null }, { ...opts });
    expect(res.convergence.attempts.map((a) => a.failures[0]?.reason)).toEqual([
      "restart_loop",
      "unit_failed",
      "restart_loop",
    ]);
    expect(res.convergence.status).toBe("oscillation");
  });

  it("blocks dependents of a unit that fails to start", async () => {
    const sd = new RecordingSystemd();
    sd.failStart.add("db.service");
    sd.states = (u) =>
      u === "db.service"
        ? { LoadState: "loaded", ActiveState: "failed", SubState: "failed", NRestarts: "0" }
        : { LoadState: "loaded", ActiveState: "inactive", SubState: "dead", NRestarts: "0" };
    const res = await executePlan(
      [
        obj({
          id: "container/db.container",
          unit: "db.service",
          action: "create",
          files: [file(`${Q}/db.container`, "d")],
        }),
        obj({
          id: "container/web.container",
          unit: "web.service",
          action: "create",
          prerequisites: ["container/db.container"],
          files: [file(`${Q}/web.container`, "w")],
        }),
      ],
      { systemd: sd, fs: rootFs(), dryRun: null },
      opts,
    );
    expect(sd.actions().filter((c) => c.includes("web.service"))).toEqual([]);
    expect(res.objects.map((o) => o.final_state)).toEqual(["failed", "blocked"]);
    expect(["repeated_failure", "partial"]).toContain(res.convergence.status);
  });

  it("counts the ways of seeing a crashed unit as one signature", () => {
    const f = (reason: ObjectFailure["reason"]) => [{ object: "c/w", reason, detail: "" }];
    const down = ["unit_failed", "container_not_running", "activation_failed", "inactive"] as const;
    expect(new Set(down.map((r) => failureSignature(f(r))))).toEqual(new Set(["c/w=not_running"]));
    expect(failureSignature(f("restart_loop"))).toBe("c/w=restart_loop");
  });

  it("classifies signatures", () => {
    expect(classifyAttempts([""], [], 3, true).status).toBe("success");
    expect(classifyAttempts(["a"], [{ object: "a", reason: "inactive", detail: "" }], 3, true)).toEqual({
      status: "partial",
      stop: false,
    });
    expect(
      classifyAttempts(["a", "a"], [{ object: "a", reason: "inactive", detail: "" }], 3, true).status,
    ).toBe("repeated_failure");
    expect(
      classifyAttempts(["a", "b", "a"], [{ object: "a", reason: "inactive", detail: "" }], 3, true).status,
    ).toBe("oscillation");
    expect(
      classifyAttempts(["a", "b", "c"], [{ object: "c", reason: "inactive", detail: "" }], 3, false),
    ).toEqual({ status: "failed", stop: true });
    expect(classifyAttempts(["x"], [{ object: "x", reason: "busy_mount", detail: "" }], 3, true).status).toBe(
      "blocked",
    );
  });
});

describe("durations, settle wait and stop-timeout warnings", () => {
  it("waits settleMs after the last restart, names a restart whose stop used its whole timeout, and times its phases", async () => {
    const fs = rootFs();
    fs.writeAtomic(`${Q}/web.container`, Buffer.from("old"), 0o644, 0, 0);
    const sd = new RecordingSystemd();
    // The scripted clock advances 1 ms per reading; the restart begins at about 10 ms (10 000 µs), the unit
    // left active at 20 ms and was dead 10.3 s later: Podman's whole StopTimeout.
    let now = 0;
    const slept: number[] = [];
    sd.states = () => ({
      LoadState: "loaded",
      ActiveState: "active",
      SubState: "running",
      NRestarts: "0",
      ActiveExitTimestampMonotonic: "20000",
      InactiveEnterTimestampMonotonic: String(20_000 + 10_300_000),
      TimeoutStopUSec: "1min 30s",
    });
    const res = await executePlan(
      [
        obj({
          id: "container/web.container",
          unit: "web.service",
          action: "update",
          files: [file(`${Q}/web.container`, "new")],
          containerStopTimeoutMs: 10_000,
        }),
      ],
      { systemd: sd, fs, dryRun: null },
      {
        ...opts,
        settleMs: 1000,
        clock: () => (now += 1),
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      },
    );
    expect(res.convergence.status).toBe("success");
    expect(res.stopTimeouts).toEqual([
      expect.objectContaining({ unit: "web.service", object: "container/web.container", stop_ms: 10_300 }),
    ]);
    // One settle wait (less the clock readings since the restart returned), one NRestarts sample after it.
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(990);
    // The loaded check, then two verification samples (the loaded check's cannot serve: a restart came after).
    expect(sd.calls.filter((c) => c.startsWith("show"))).toHaveLength(3);
    expect(res.durations.verification_ms).toBeGreaterThanOrEqual(1000);
    expect(res.durations.restarts_ms).toBeGreaterThan(0);
    expect(Object.keys(res.durations).sort()).toEqual(
      [
        "daemon_reload_ms",
        "enable_ms",
        "load_check_ms",
        "restarts_ms",
        "stops_ms",
        "verification_ms",
        "writes_ms",
      ].sort(),
    );
  });

  it("a pass that activated nothing reuses the loaded check's sample and does not settle", async () => {
    const sd = new RecordingSystemd();
    const slept: number[] = [];
    const res = await executePlan(
      [obj({ id: "container/web.container", unit: "web.service", action: "no_op" })],
      { systemd: sd, fs: rootFs(), dryRun: null },
      { ...opts, settleMs: 2000, sleep: async (ms) => void slept.push(ms) },
    );
    expect(res.convergence.status).toBe("success");
    expect(slept).toEqual([]);
    // The loaded check's sample serves verification: one systemctl round-trip in all.
    expect(sd.calls.filter((c) => c.startsWith("show"))).toHaveLength(1);
    expect(res.stopTimeouts).toEqual([]);
  });

  it("reads sockets in the same show as the units they activate", async () => {
    const sd = new RecordingSystemd();
    sd.states = (u) =>
      u === "api.service"
        ? {
            LoadState: "loaded",
            ActiveState: "inactive",
            SubState: "dead",
            Result: "success",
            NRestarts: "0",
          }
        : { LoadState: "loaded", ActiveState: "active", SubState: "listening", NRestarts: "0" };
    const res = await executePlan(
      [
        obj({ id: "native/api.socket", kind: "generated_unit", unit: "api.socket", action: "no_op" }),
        obj({
          id: "native/api.service",
          kind: "generated_unit",
          unit: "api.service",
          action: "no_op",
          activation: "via_socket",
          socketUnit: "api.socket",
        }),
      ],
      { systemd: sd, fs: rootFs(), dryRun: null },
      opts,
    );
    expect(res.convergence.status).toBe("success");
    const shows = sd.calls.filter((c) => c.startsWith("show"));
    expect(shows).toEqual([expect.stringMatching(/ api\.socket api\.service$/)]);
  });
});

describe("offline root", () => {
  it("in --root mode writes files, enables through symlinks, verifies files and calls no systemctl", async () => {
    const fs = rootFs();
    const sd = new OfflineSystemd(fs, U);
    const install: InstallInfo = { wantedBy: ["multi-user.target"], requiredBy: [], alias: [], also: [] };
    const objects = [
      obj({
        id: "service/a.service",
        kind: "generated_unit",
        unit: "a.service",
        action: "create",
        install,
        files: [file(`${U}/a.service`, "[Service]\n")],
      }),
    ];
    const res = await executePlan(objects, { systemd: sd, fs, dryRun: null }, opts);
    expect(res.convergence).toMatchObject({ status: "success", basis: "files" });
    expect(fs.readlink(`${U}/multi-user.target.wants/a.service`)).toBe(`${U}/a.service`);
    const writes = fs.writes;
    const again = await executePlan(
      objects.map((o) => ({ ...o, action: "no_op" as const })),
      { systemd: sd, fs, dryRun: null },
      opts,
    );
    expect(fs.writes).toBe(writes);
    expect(again.changed).toBe(false);
  });
});
