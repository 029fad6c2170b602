import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DesiredState } from "../desired/model.js";
import { createHostObserver } from "../effects/fs-host-observer.js";
import { CoreOpsError } from "../errors.js";
import { desiredObjects } from "../resources/from-desired.js";
import { inventoryFromObjects } from "../resources/inventory.js";
import { managedFileBytes } from "../resources/marker.js";
import { DIRS, desiredState, unit } from "../resources/test-support/desired.js";
import { neverRunReconciliation, type Status } from "../state/status.js";
import type { PlanEntry } from "../views/plan-view.js";
import { PlanViewSchema } from "../views/plan-view.js";
import { applyFiles, planOffline, writeHostFile } from "./test-support/offline.js";

const REV = "454ac5f1aa00bb11cc22dd33ee44ff5566778899";
const NFS = "[Mount]\nWhat=nas:/media\nWhere=/srv/media\nType=nfs\n[X-CoreOps]\nCreateMountpoint=true\n";

function demo(
  overrides: { image?: string; caddy?: string; extraUnits?: DesiredState["units"] } = {},
): DesiredState {
  return desiredState({
    services: ["web", "nas"],
    units: [
      unit(
        "web",
        "web.container",
        `[Unit]\nRequires=srv-media.mount\nAfter=srv-media.mount\n[Container]\nImage=${overrides.image ?? "caddy:2"}\nVolume=web-data.volume:/data\nVolume=/etc/web:/etc/caddy:ro\n`,
      ),
      unit("web", "web-data.volume", "[Volume]\n"),
      unit("nas", "srv-media.mount", NFS),
      unit("nas", "srv-media.automount", "[Automount]\nWhere=/srv/media\n"),
      unit("other", "backup.service", "[Service]\nType=oneshot\nExecStart=/usr/bin/true\n"),
      ...(overrides.extraUnits ?? []),
    ].sort((a, b) => (a.fileName < b.fileName ? -1 : 1)),
    configs: [
      {
        service: "web",
        target: "/etc/web/Caddyfile",
        source: { layer: "base", path: "services/web/config/etc/web/Caddyfile" },
        content: Buffer.from(overrides.caddy ?? ":80 { respond hi }\n"),
        mode: 0o644,
        owner: "root",
        group: "root",
      },
    ],
  });
}

function statusFor(desired: DesiredState): Status {
  return {
    schema_version: 2,
    controller: { version: "0.1.0", revision: "x", build_time: null, tree_state: "clean" },
    desired_state: {
      repository: "/repo",
      requested_ref: "main",
      last_observed_revision: REV,
      last_observed_at: null,
    },
    reconciliation: {
      ...neverRunReconciliation(),
      generation: 1,
      status: "success",
      last_attempted_revision: REV,
      last_applied_revision: REV,
      last_started_at: "2026-11-29T09:00:00Z",
      last_finished_at: "2026-11-29T09:00:01Z",
    },
    hold: null,
    inventory: inventoryFromObjects(desiredObjects(desired, DIRS)),
  };
}

function entry(entries: PlanEntry[], id: string): PlanEntry {
  const e = entries.find((x) => x.object.display_id === id);
  if (!e) throw new Error(`no entry ${id} in ${entries.map((x) => x.object.display_id).join(", ")}`);
  return e;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "plan-test-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("three-way planning", () => {
  it("creates everything on an empty host, prerequisites first", async () => {
    const plan = await planOffline(demo(), root);
    PlanViewSchema.parse(plan.view);
    const ids = plan.view.entries.map((e) => e.object.display_id);
    expect(plan.view.entries.every((e) => e.action === "create")).toBe(true);
    for (const [before, after] of [
      ["mount/srv-media.mount", "container/web.container"],
      ["volume/web-data.volume", "container/web.container"],
      ["file//etc/web/Caddyfile", "container/web.container"],
      ["mount/srv-media.mount", "automount/srv-media.automount"],
    ])
      expect(ids.indexOf(before as string)).toBeLessThan(ids.indexOf(after as string));
    expect(plan.view.entries.map((e) => e.order_index)).toEqual(ids.map((_, i) => i));
    expect(plan.view.summary).toMatchObject({ changed_count: 6, unchanged_count: 0, total_count: 6 });
    expect(plan.view.observation).toMatchObject({
      mode: "offline_root",
      systemd_running: false,
      runtime_state: "not_observed",
    });
    const mount = entry(plan.view.entries, "mount/srv-media.mount").mount;
    expect(mount).toMatchObject({
      automount: "automount/srv-media.automount",
      dependent_count: 2,
      network_backed: true,
    });
  });

  it("is converged after the files are written, with no changes", async () => {
    applyFiles(await planOffline(demo(), root), root);
    const plan = await planOffline(demo(), root);
    expect(plan.view.entries.map((e) => e.action)).toEqual(Array(6).fill("no_op"));
    expect(plan.view.summary.changed_count).toBe(0);
    expect(plan.view.entries.every((e) => e.causes[0]?.kind === "no_change")).toBe(true);
  });

  it("reports formatting-only host differences as runtime_variance, not as changes", async () => {
    applyFiles(await planOffline(demo(), root), root);
    writeHostFile(
      root,
      "/etc/systemd/system/srv-media.mount",
      managedFileBytes(
        "# edited by hand\n[X-CoreOps]\nCreateMountpoint = yes\n\n[Mount]\nType=nfs\nWhere=/srv/media/\nWhat = nas:/media\n",
      ),
    );
    const plan = await planOffline(demo(), root);
    const e = entry(plan.view.entries, "mount/srv-media.mount");
    expect(e.action).toBe("no_op");
    expect(e.causes.map((c) => c.kind)).toEqual(["runtime_variance"]);
    expect(e.drift[0]).toMatchObject({ category: "runtime_variance", auto_action: false });
    expect(e.causes[0]?.summary).toMatch(/formatting-only difference/);
    expect(plan.view.summary.runtime_variance_count).toBe(1);
    expect(plan.view.summary.changed_count).toBe(0);
  });

  it("tells a desired change from drift using the last applied inventory, and restarts dependents", async () => {
    const v1 = demo();
    applyFiles(await planOffline(v1, root), root);
    const status = statusFor(v1);

    const changed = await planOffline(demo({ caddy: ":80 { respond bye }\n" }), root, { status });
    const caddy = entry(changed.view.entries, "file//etc/web/Caddyfile");
    expect(caddy.action).toBe("update");
    expect(caddy.causes.map((c) => c.kind)).toEqual(["desired_change"]);
    expect(caddy.drift[0]).toMatchObject({ category: "expected_change", comparison_basis: "three_way" });
    expect(caddy.diff?.unified_diff).toContain("-:80 { respond hi }\n+:80 { respond bye }");
    const web = entry(changed.view.entries, "container/web.container");
    expect(web.action).toBe("restart");
    expect(web.causes.map((c) => c.kind)).toEqual(["dependency_change", "restart_required"]);
    expect(web.causes[0]?.source_object).toBe("file//etc/web/Caddyfile");
    expect(entry(changed.view.entries, "service/backup.service").action).toBe("no_op");

    writeHostFile(root, "/etc/web/Caddyfile", "tampered\n");
    const drifted = await planOffline(v1, root, { status });
    const d = entry(drifted.view.entries, "file//etc/web/Caddyfile");
    expect(d.action).toBe("update");
    expect(d.causes.map((c) => c.kind)).toEqual(["drift"]);
    expect(d.drift[0]).toMatchObject({ category: "external_drift", attention_required: true });
  });

  it("records every decision as data (action and reason), the words apart", async () => {
    const decisions = (plan: Awaited<ReturnType<typeof planOffline>>) =>
      Object.fromEntries(
        plan.objects.map((o) => [o.entry.object.display_id, `${o.decision.action}:${o.decision.reason}`]),
      );
    const v1 = demo();
    const first = await planOffline(v1, root);
    expect(Object.values(decisions(first)).every((d) => d === "create:new")).toBe(true);
    applyFiles(first, root);
    const status = statusFor(v1);
    const changed = await planOffline(demo({ caddy: ":80 { respond bye }\n" }), root, { status });
    expect(decisions(changed)).toMatchObject({
      "file//etc/web/Caddyfile": "update:desired_changed",
      "container/web.container": "restart:prerequisite_changed",
      "service/backup.service": "no_op:matches",
    });
    // The action on the entry is the decision's; apply reads the decision.
    for (const o of changed.objects) expect(o.entry.action).toBe(o.decision.action);
    writeHostFile(root, "/etc/web/Caddyfile", "tampered\n");
    expect(decisions(await planOffline(v1, root, { status }))["file//etc/web/Caddyfile"]).toBe(
      "update:host_changed",
    );
    expect(decisions(await planOffline(desiredState({ services: [] }), root, { status }))).toMatchObject({
      "file//etc/web/Caddyfile": "skipped:edited_on_host",
      "volume/web-data.volume": "delete:removed_from_desired",
    });
  });

  it("restarts a container when a companion under its relative Volume= source changes", async () => {
    const app = (conf: string): DesiredState => {
      const base = desiredState({
        services: ["app"],
        units: [unit("app", "app.container", "[Container]\nImage=a\nVolume=./conf:/conf:ro\n")],
      });
      const companion = {
        service: "app",
        relPath: "conf/app.ini",
        source: { layer: "base" as const, path: "services/app/conf/app.ini" },
        content: Buffer.from(conf),
        mode: 0o644,
        referencedBy: ["app.container"],
      };
      return { ...base, companions: [companion] };
    };
    const v1 = app("a=1\n");
    applyFiles(await planOffline(v1, root), root);
    const changed = await planOffline(app("a=2\n"), root, { status: statusFor(v1) });
    const byId = Object.fromEntries(changed.objects.map((o) => [o.entry.object.display_id, o.decision]));
    expect(byId["file//etc/containers/systemd/conf/app.ini"]?.action).toBe("update");
    expect(byId["container/app.container"]).toMatchObject({
      action: "restart",
      reason: "prerequisite_changed",
    });
  });

  it("says when the agent holds after a rollback", async () => {
    const status = statusFor(demo());
    status.hold = {
      held: true,
      rolled_back_from: REV,
      reason: "rolled back by operator",
      since: "2026-11-29T10:00:00Z",
    };
    const plan = await planOffline(demo(), root, { status });
    expect(plan.view.admission).toMatchObject({ decision: "held", rolled_back_from: REV });
    expect(plan.view.notes.join("\n")).toMatch(
      /HELD since 2026-11-29T10:00:00Z: .* resolves to 454ac5f1, which was rolled back from; it is not applied \(rolled back by operator\)/,
    );
  });

  it("treats a mode or owner change of a rendered file as material, but never widens a narrower mode", async () => {
    applyFiles(await planOffline(demo(), root), root);
    writeHostFile(root, "/etc/web/Caddyfile", ":80 { respond hi }\n", 0o666);
    const e = entry(
      (await planOffline(demo(), root, { status: statusFor(demo()) })).view.entries,
      "file//etc/web/Caddyfile",
    );
    expect(e.action).toBe("update");
    expect(e.diff?.fields).toEqual(["mode"]);
    // README "What CoreOps owns and where it writes": without a declared mode a narrower mode stays.
    writeHostFile(root, "/etc/web/Caddyfile", ":80 { respond hi }\n", 0o600);
    const narrower = entry(
      (await planOffline(demo(), root, { status: statusFor(demo()) })).view.entries,
      "file//etc/web/Caddyfile",
    );
    expect(narrower.action).toBe("no_op");
    expect(narrower.notes.join(" ")).toMatch(/never widens an existing file's mode/);
  });

  it("deletes owned objects that left the desired state, never unmarked files", async () => {
    const v1 = demo();
    applyFiles(await planOffline(v1, root), root);
    writeHostFile(root, "/etc/containers/systemd/admin.container", "[Container]\nImage=mine\n");
    writeHostFile(
      root,
      "/etc/systemd/system/stale.service",
      managedFileBytes("[Service]\nExecStart=/bin/true\n"),
    );
    const v2 = demo();
    v2.units = v2.units.filter((u) => u.fileName !== "backup.service");
    v2.configs = [];

    const tracked = await planOffline(v2, root, { status: statusFor(v1) });
    const ids = tracked.view.entries.map((e) => e.object.display_id);
    expect(ids).not.toContain("container/admin.container");
    const backup = entry(tracked.view.entries, "service/backup.service");
    expect(backup).toMatchObject({ action: "delete", remove_paths: ["/etc/systemd/system/backup.service"] });
    expect(backup.causes[0]?.kind).toBe("desired_change");
    // Rendered files carry no marker: owned only through the inventory.
    expect(entry(tracked.view.entries, "file//etc/web/Caddyfile").action).toBe("delete");
    const stale = entry(tracked.view.entries, "service/stale.service");
    expect(stale.action).toBe("delete");
    expect(stale.drift[0]?.category).toBe("stale_residue");
    // Deletes come last.
    expect(ids.slice(-3).sort()).toEqual([
      "file//etc/web/Caddyfile",
      "service/backup.service",
      "service/stale.service",
    ]);

    const stateless = await planOffline(v2, root);
    const sids = stateless.view.entries.map((e) => e.object.display_id);
    expect(sids).not.toContain("file//etc/web/Caddyfile");
    expect(sids).not.toContain("container/admin.container");
    expect(entry(stateless.view.entries, "service/backup.service").action).toBe("delete");
  });

  it("replaces an unmanaged file at a managed path and takes ownership", async () => {
    writeHostFile(root, "/etc/web/Caddyfile", "hand made\n");
    writeHostFile(root, "/etc/containers/systemd/web-data.volume", "[Volume]\nLabel=mine\n");
    const stateless = await planOffline(demo(), root);
    const vol = entry(stateless.view.entries, "volume/web-data.volume");
    expect(vol.action).toBe("replace");
    expect(vol.causes[0]?.kind).toBe("replacement_required");
    // A rendered /etc file carries no marker: without state its ownership is unknown → update, with a note.
    const caddy = entry(stateless.view.entries, "file//etc/web/Caddyfile");
    expect(caddy.action).toBe("update");
    expect(caddy.notes.join("\n")).toMatch(/cannot tell whether it wrote this file/);
    // With an inventory that does not list it, it is someone else's file → replace.
    const status = statusFor(demo());
    status.inventory = status.inventory.filter((o) => o.id !== "file//etc/web/Caddyfile");
    const tracked = await planOffline(demo(), root, { status });
    expect(entry(tracked.view.entries, "file//etc/web/Caddyfile").action).toBe("replace");
  });

  it("replaces a mount whose source changes, updates one whose options change", async () => {
    applyFiles(await planOffline(demo(), root), root);
    const moved = demo();
    moved.units = moved.units.map((u) =>
      u.fileName === "srv-media.mount" ? { ...u, text: NFS.replace("nas:/media", "nas2:/media") } : u,
    );
    const e = entry((await planOffline(moved, root)).view.entries, "mount/srv-media.mount");
    expect(e.action).toBe("replace");
    expect(e.causes.map((c) => c.kind)).toContain("replacement_required");
    expect(e.diff?.fields).toContain("[Mount] What");
  });

  it("recovers applied files removed outside CoreOps, and skips already-removed undesired ones", async () => {
    const v1 = demo();
    applyFiles(await planOffline(v1, root), root);
    rmSync(join(root, "etc/containers/systemd/web-data.volume"));
    rmSync(join(root, "etc/systemd/system/backup.service"));
    const v2 = demo();
    v2.units = v2.units.filter((u) => u.fileName !== "backup.service");
    const plan = await planOffline(v2, root, { status: statusFor(v1) });
    expect(entry(plan.view.entries, "volume/web-data.volume").action).toBe("recover");
    expect(entry(plan.view.entries, "service/backup.service").action).toBe("skipped");
    expect(entry(plan.view.entries, "container/web.container").action).toBe("restart");
  });

  it("recovers a unit systemd reports failed (runtime state only when observed)", async () => {
    applyFiles(await planOffline(demo(), root), root);
    const fs = createHostObserver({ root });
    const observer = {
      ...fs,
      systemd: { running: true, note: "test: systemd running" },
      unitRuntime: async (units: readonly string[]) =>
        new Map(
          units.map((u) => [
            u,
            {
              unit: u,
              loadState: "loaded",
              activeState: u === "backup.service" ? "failed" : "active",
              subState: "x",
              unitFileState: "static",
            },
          ]),
        ),
    };
    const plan = await planOffline(demo(), root, { observer });
    const e = entry(plan.view.entries, "service/backup.service");
    expect(e.action).toBe("recover");
    expect(e.causes[0]?.kind).toBe("recovery_required");
    expect(e.runtime?.active_state).toBe("failed");
    expect(plan.view.observation.runtime_state).toBe("observed");
    const volume = entry(plan.view.entries, "volume/web-data.volume");
    expect(volume.action).toBe("no_op");
    const inactive = await planOffline(demo(), root, {
      observer: {
        ...observer,
        unitRuntime: async (units: readonly string[]) =>
          new Map(
            units.map((u) => [
              u,
              {
                unit: u,
                loadState: "loaded",
                activeState: "inactive",
                subState: "dead",
                unitFileState: "static",
              },
            ]),
          ),
      },
    });
    const b = entry(inactive.view.entries, "service/backup.service");
    expect(b.action).toBe("no_op");
    expect(b.causes[0]).toMatchObject({ kind: "runtime_variance" });
    expect(b.causes[0]?.summary).toMatch(/runtime state inactive\/dead of backup.service is not material/);
    // A unit CoreOps starts and expects running was stopped by hand: drift, recovered by apply.
    const web = entry(inactive.view.entries, "container/web.container");
    expect(web.action).toBe("recover");
    expect(web.causes[0]?.kind).toBe("recovery_required");
    expect(web.drift).toContainEqual(
      expect.objectContaining({ category: "external_drift", comparison_basis: "runtime_verification" }),
    );
    const offline = await planOffline(demo(), root);
    expect(offline.view.entries.every((x) => x.runtime === null)).toBe(true);
  });

  it("blocks objects whose Quadlet references exist nowhere, and their dependents", async () => {
    const d = demo({
      extraUnits: [
        unit("web", "app.container", "[Container]\nImage=a\nNetwork=missing.network\n"),
        unit("web", "child.container", "[Unit]\nRequires=app.service\n[Container]\nImage=b\n"),
      ],
    });
    const plan = await planOffline(d, root);
    const app = entry(plan.view.entries, "container/app.container");
    expect(app.action).toBe("blocked");
    expect(app.causes[0]?.kind).toBe("blocked_prerequisite");
    expect(app.dependencies).toContainEqual({
      relation: "blocker",
      object: "network/missing.network",
      via: "Network=",
    });
    const child = entry(plan.view.entries, "container/child.container");
    expect(child.action).toBe("blocked");
    expect(child.causes[0]?.source_object).toBe("container/app.container");
    expect(plan.view.summary.blocked_count).toBe(2);
    // A reference that exists on the host (unmanaged) does not block.
    writeHostFile(root, "/etc/containers/systemd/missing.network", "[Network]\n");
    expect(entry((await planOffline(d, root)).view.entries, "container/app.container").action).toBe("create");
  });

  it("rejects a dependency cycle, naming it", async () => {
    const d = desiredState({
      units: [
        unit("a", "a.service", "[Unit]\nRequires=b.service\n[Service]\nExecStart=/bin/true\n"),
        unit("a", "b.service", "[Unit]\nRequires=a.service\n[Service]\nExecStart=/bin/true\n"),
      ],
    });
    const err = await planOffline(d, root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreOpsError);
    expect((err as CoreOpsError).message).toBe(
      "dependency cycle: service/a.service -> service/b.service -> service/a.service",
    );
    // Names the files, so an operator knows where to look.
    expect((err as CoreOpsError).file).toBe("services/a/a.service");
    expect((err as CoreOpsError).related).toEqual(["services/a/b.service"]);
  });

  it("notes unmanaged drop-ins next to a managed unit and leaves them alone", async () => {
    applyFiles(await planOffline(demo(), root), root);
    writeHostFile(root, "/etc/systemd/system/backup.service.d/local.conf", "[Service]\nNice=5\n");
    const e = entry((await planOffline(demo(), root)).view.entries, "service/backup.service");
    expect(e.action).toBe("no_op");
    expect(e.notes.join("\n")).toMatch(/unmanaged drop-ins .*local\.conf/);
    expect(e.remove_paths).toEqual([]);
  });

  it("removes a stale managed drop-in of a desired unit", async () => {
    applyFiles(await planOffline(demo(), root), root);
    writeHostFile(
      root,
      "/etc/containers/systemd/web.container.d/99-old.conf",
      managedFileBytes("[Container]\nEnvironment=A=1\n"),
    );
    const e = entry((await planOffline(demo(), root)).view.entries, "container/web.container");
    expect(e.action).toBe("update");
    expect(e.remove_paths).toEqual(["/etc/containers/systemd/web.container.d/99-old.conf"]);
  });

  it("blocks a mount whose mountpoint is missing with CreateMountpoint=false, and its dependents, nothing else", async () => {
    const strict = NFS.replace("CreateMountpoint=true", "CreateMountpoint=false");
    const d = demo({ extraUnits: [] });
    d.units = d.units.map((u) => (u.fileName === "srv-media.mount" ? { ...u, text: strict } : u));
    const blocked = await planOffline(d, root);
    const mount = entry(blocked.view.entries, "mount/srv-media.mount");
    expect(mount.action).toBe("blocked");
    expect(mount.causes[0]?.summary).toMatch(/mountpoint \/srv\/media is missing .*CreateMountpoint=false/);
    expect(entry(blocked.view.entries, "container/web.container").action).toBe("blocked");
    expect(entry(blocked.view.entries, "automount/srv-media.automount").action).toBe("blocked");
    expect(entry(blocked.view.entries, "service/backup.service").action).toBe("create");
    mkdirSync(join(root, "srv/media"), { recursive: true });
    const ready = await planOffline(d, root);
    expect(entry(ready.view.entries, "mount/srv-media.mount").action).toBe("create");
  });
});
