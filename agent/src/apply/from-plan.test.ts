/** Plan → executor input: activation, verification expectation, [Install], prerequisites, exact bytes. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planOffline } from "../plan/test-support/offline.js";
import { desiredState, unit } from "../resources/test-support/desired.js";
import { parseUnitFile } from "../units/parse.js";
import { applyObjectsFromPlan, containerName } from "./from-plan.js";

const root = mkdtempSync(join(tmpdir(), "core-ops-fromplan-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("containerName", () => {
  it("is ContainerName= with %N resolved, else systemd-%N", () => {
    const parsed = (text: string) => parseUnitFile(text, "x.container");
    expect(containerName("web.service", null)).toBe("systemd-web");
    expect(containerName("api.service", parsed("[Container]\nContainerName=%N-1\n"))).toBe("api-1");
    expect(containerName("api.service", parsed("[Container]\nContainerName=%H\n"))).toBeNull();
  });
});

describe("applyObjectsFromPlan", () => {
  it("derives how each unit is activated and verified", async () => {
    const desired = desiredState({
      services: ["s"],
      units: [
        unit(
          "s",
          "web.container",
          "[Unit]\nRequires=data-volume.service\n[Container]\nImage=x\nVolume=data.volume:/d\nEnvironmentFile=/etc/web/env\n",
        ),
        unit("s", "data.volume", "[Volume]\n"),
        unit("s", "echo.socket", "[Socket]\nListenStream=8080\n[Install]\nWantedBy=sockets.target\n"),
        unit("s", "echo.service", "[Service]\nExecStart=/bin/cat\n"),
        unit("s", "backup.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n"),
        unit(
          "s",
          "backup.timer",
          "[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\nAlias=nightly.timer\n",
        ),
        unit(
          "s",
          "srv-media.mount",
          "[Mount]\nWhat=nas:/media\nWhere=/srv/media\nType=nfs\n[X-CoreOps]\nCreateMountpoint=false\n",
        ),
        unit(
          "s",
          "srv-media.automount",
          "[Automount]\nWhere=/srv/media\n[Install]\nWantedBy=remote-fs.target\n",
        ),
      ],
      configs: [
        {
          service: "s",
          target: "/etc/web/env",
          source: { layer: "base", path: "services/s/config/etc/web/env" },
          content: Buffer.from("A=1\n"),
          mode: 0o600,
          owner: "root",
          group: "root",
        },
      ],
    });
    const plan = await planOffline(desired, root);
    const objs = new Map(applyObjectsFromPlan(plan).map((o) => [o.id, o]));
    const get = (id: string) => {
      const o = objs.get(id);
      if (!o) throw new Error(`no object ${id}; have ${[...objs.keys()].join(", ")}`);
      return o;
    };
    expect(get("container/web.container")).toMatchObject({
      unit: "web.service",
      activation: "start",
      expectation: "active",
      install: null,
      containerName: "systemd-web",
    });
    expect(get("volume/data.volume").containerName).toBeNull();
    expect(get("container/web.container").prerequisites).toEqual(
      expect.arrayContaining(["volume/data.volume", "file//etc/web/env"]),
    );
    expect(get("container/web.container").files[0]?.content.toString()).toMatch(/^# Managed by CoreOps\n/);
    expect(get("volume/data.volume")).toMatchObject({
      unit: "data-volume.service",
      expectation: "active_or_exited",
    });
    expect(get("service/echo.service")).toMatchObject({
      activation: "via_socket",
      socketUnit: "echo.socket",
    });
    expect(get("socket/echo.socket").install).toEqual({
      wantedBy: ["sockets.target"],
      requiredBy: [],
      alias: [],
      also: [],
    });
    expect(get("service/backup.service")).toMatchObject({
      activation: "none",
      expectation: "none",
      install: null,
    });
    expect(get("timer/backup.timer")).toMatchObject({
      activation: "start",
      install: { wantedBy: ["timers.target"], alias: ["nightly.timer"] },
    });
    expect(get("mount/srv-media.mount")).toMatchObject({
      activation: "via_automount",
      automountUnit: "srv-media.automount",
      expectation: "mounted",
      mount: { where: "/srv/media", createMountpoint: false },
    });
    const config = get("file//etc/web/env");
    expect(config).toMatchObject({ unit: null, activation: "none", expectation: "none" });
    expect(config.files).toEqual([
      {
        path: "/etc/web/env",
        content: Buffer.from("A=1\n"),
        mode: 0o600,
        owner: "root",
        group: "root",
        unitFile: false,
      },
    ]);
    expect([...objs.keys()]).toEqual(plan.view.entries.map((e) => e.object.display_id));
  });
});
