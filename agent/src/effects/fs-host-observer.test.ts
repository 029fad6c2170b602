import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { observeHost } from "../plan/observe.js";
import { desiredObjects } from "../resources/from-desired.js";
import { DIRS, desiredState, unit } from "../resources/test-support/desired.js";
import { createHostObserver, detectSystemd, hostPath } from "./fs-host-observer.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "observer-test-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("fs host observer", () => {
  it("resolves logical paths under an offline root and never uses systemctl there", async () => {
    expect(hostPath(root, "/etc/x")).toBe(join(root, "etc/x"));
    expect(hostPath(null, "/etc/x")).toBe("/etc/x");
    const o = createHostObserver({ root });
    expect(o.mode).toBe("offline_root");
    expect(o.systemd.running).toBe(false);
    expect(detectSystemd(root).note).toMatch(/offline root/);
    expect(await o.unitRuntime(["a.service"])).toEqual(new Map());
  });

  it("reads files with mode and owner names, and reports absence as null or []", async () => {
    mkdirSync(join(root, "etc/web"), { recursive: true });
    writeFileSync(join(root, "etc/web/app.conf"), "x=1\n");
    chmodSync(join(root, "etc/web/app.conf"), 0o640);
    const o = createHostObserver({ root });
    const f = await o.readFile("/etc/web/app.conf");
    expect(f).toMatchObject({ path: "/etc/web/app.conf", mode: 0o640, owner: "root", group: "root" });
    expect(f?.bytes.toString()).toBe("x=1\n");
    expect(await o.readFile("/etc/web/missing")).toBeNull();
    expect(await o.readFile("/etc/web")).toBeNull();
    expect(await o.readHead("/etc/web/app.conf", 2)).toEqual(Buffer.from("x="));
    expect(await o.listDir("/etc/nowhere")).toEqual([]);
    expect((await o.listDir("/etc/web")).map((e) => e.name)).toEqual(["app.conf"]);
  });

  it("observes through a symlinked managed directory (an absolute link read inside the root)", async () => {
    const real = join(root, "real-quadlets");
    mkdirSync(real);
    mkdirSync(join(root, "etc/containers"), { recursive: true });
    symlinkSync("/real-quadlets", join(root, "etc/containers/systemd"));
    writeFileSync(join(real, "web.container"), "# Managed by CoreOps\n[Container]\nImage=a\n");
    const desired = desiredObjects(
      desiredState({ units: [unit("web", "web.container", "[Container]\nImage=a\n")] }),
      DIRS,
    );
    const observed = await observeHost(createHostObserver({ root }), DIRS, desired, []);
    const web = observed.objects.get("container/web.container");
    expect(web?.material).toBe(desired[0]?.material);
    expect(web?.files[0]?.owned).toBe(true);
  });
});
