/**
 * Activation: apply restarts exactly what the plan decided; socket-activated services; enablement on a
 * host.
 */
import { describe, expect, it } from "vitest";
import { applyFiles, planOffline } from "../plan/test-support/offline.js";
import { desiredState, unit } from "../resources/test-support/desired.js";
import { executePlan } from "./executor.js";
import { applyObjectsFromPlan } from "./from-plan.js";
import type { ApplyObject } from "./model.js";
import type { InstallInfo } from "./ports.js";
import { file, obj, opts, RecordingSystemd, rootFs, U } from "./test-support/executor-doubles.js";

describe("restarts", () => {
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

describe("restarts from a real plan", () => {
  it("restarts the consumer the plan marks `restart` when a rendered file it reads changes, and nothing else", async () => {
    const fs = rootFs();
    const root = fs.resolve("/");
    const desired = (env: string) =>
      desiredState({
        services: ["s"],
        units: [
          unit("s", "web.container", "[Container]\nImage=x\nEnvironmentFile=/etc/web/env\n"),
          unit("s", "other.container", "[Container]\nImage=y\n"),
        ],
        configs: [
          {
            service: "s",
            target: "/etc/web/env",
            source: { layer: "base", path: "services/s/config/etc/web/env" },
            content: Buffer.from(env),
            mode: 0o644,
            owner: "root",
            group: "root",
          },
        ],
      });
    applyFiles(await planOffline(desired("A=1\n"), root), root);
    const plan = await planOffline(desired("A=2\n"), root);
    const actions = Object.fromEntries(plan.view.entries.map((e) => [e.object.display_id, e.action]));
    expect(actions).toEqual({
      "file//etc/web/env": "update",
      "container/other.container": "no_op",
      "container/web.container": "restart",
    });
    const sd = new RecordingSystemd();
    const res = await executePlan(applyObjectsFromPlan(plan), { systemd: sd, fs, dryRun: null }, opts);
    expect(sd.actions()).toEqual(["restart web.service"]);
    expect(res.convergence.status).toBe("success");
  });
});
