/** The example repository history `repos/layered-demo/` loads for both hosts at both revisions. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { unitNameForPath } from "../units/escape.js";
import { lastValue, parseUnitFile } from "../units/parse.js";
import { loadDesiredState } from "./load.js";

const HISTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../repos/layered-demo");
const rev = (r: string) => path.join(HISTORY, r);

describe("repos/layered-demo", () => {
  it("v1 demo-uat: frontend and whoami, the UAT drop-in layered after the base, the UAT Caddyfile", async () => {
    const s = await loadDesiredState(rev("v1"), "demo-uat");
    expect(s.services).toEqual(["frontend", "whoami"]);
    expect(s.units.map((u) => [u.fileName, u.family, u.service])).toEqual([
      ["frontend-data.volume", "quadlet", "frontend"],
      ["frontend.container", "quadlet", "frontend"],
      ["whoami.container", "quadlet", "whoami"],
    ]);
    const frontend = s.units.find((u) => u.fileName === "frontend.container");
    expect(frontend?.text).toContain("Image=docker.io/library/caddy:2.8.4-alpine");
    expect(frontend?.dropIns.map((d) => [d.name, d.source.layer])).toEqual([
      ["10-resources.conf", "base"],
      ["50-uat.conf", "host"],
    ]);
    expect(s.configs.map((c) => [c.target, c.source.path, c.replaces?.path, c.mode])).toEqual([
      [
        "/etc/frontend/Caddyfile",
        "hosts/demo-uat/overrides/config/etc/frontend/Caddyfile",
        "services/frontend/config/etc/frontend/Caddyfile",
        0o644,
      ],
    ]);
    expect(s.companions.map((c) => [c.relPath, c.referencedBy])).toEqual([
      ["whoami.env", ["whoami.container"]],
    ]);
  });

  it("v1 demo-prod: immich with its NFS mount and automount, the prod NAS drop-in, a replaced base drop-in", async () => {
    const s = await loadDesiredState(rev("v1"), "demo-prod");
    expect(s.services).toEqual(["frontend", "immich", "whoami"]);
    expect(s.units.map((u) => u.fileName)).toEqual([
      "frontend-data.volume",
      "frontend.container",
      "immich.container",
      "var-lib-immich-media.automount",
      "var-lib-immich-media.mount",
      "whoami.container",
    ]);
    const mount = s.units.find((u) => u.fileName === "var-lib-immich-media.mount");
    const where = lastValue(parseUnitFile(mount?.text ?? ""), "Mount", "Where");
    expect(where).toBe("/var/lib/immich/media");
    expect(unitNameForPath(where ?? "", "mount")).toBe("var-lib-immich-media.mount");
    expect(mount?.text).toContain("[X-CoreOps]\nCreateMountpoint=true");
    expect(mount?.dropIns.map((d) => d.source.path)).toEqual([
      "hosts/demo-prod/overrides/var-lib-immich-media.mount.d/50-prod-nas.conf",
    ]);
    const immich = s.units.find((u) => u.fileName === "immich.container");
    expect(immich?.text).toContain("RequiresMountsFor=/var/lib/immich/media");
    const frontend = s.units.find((u) => u.fileName === "frontend.container");
    expect(frontend?.dropIns).toHaveLength(1);
    expect(frontend?.dropIns[0]?.replaces?.path).toBe(
      "services/frontend/frontend.container.d/10-resources.conf",
    );
    expect(frontend?.dropIns[0]?.text).toContain("--memory=1g");
    expect(s.configs[0]?.source.path).toBe("services/frontend/config/etc/frontend/Caddyfile");
  });

  it("v2 changes the frontend image and the Caddyfile on both hosts", async () => {
    for (const host of ["demo-uat", "demo-prod"]) {
      const v1 = await loadDesiredState(rev("v1"), host);
      const v2 = await loadDesiredState(rev("v2"), host);
      const image = (s: typeof v1) => s.units.find((u) => u.fileName === "frontend.container")?.text ?? "";
      expect(image(v1)).toContain("caddy:2.8.4-alpine");
      expect(image(v2)).toContain("caddy:2.9.1-alpine");
      expect(v2.configs[0]?.content.toString()).toContain("/healthz");
      expect(v1.configs[0]?.content.toString()).not.toContain("/healthz");
      expect(v2.units.map((u) => u.fileName)).toEqual(v1.units.map((u) => u.fileName));
    }
  });
});
