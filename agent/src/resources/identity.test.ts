import { describe, expect, it } from "vitest";
import { fileDisplayId, resolveObjectQuery, unitDisplayId, unitKind } from "./identity.js";

const IDS = [
  "container/frontend.container",
  "container/frontend-admin.container",
  "mount/var-lib-immich-media.mount",
  "automount/var-lib-immich-media.automount",
  "file//etc/frontend/Caddyfile",
];

describe("object identity", () => {
  it("forms display ids from the file extension or the host path", () => {
    expect(unitDisplayId("frontend.container")).toBe("container/frontend.container");
    expect(unitDisplayId("var-lib-immich-media.mount")).toBe("mount/var-lib-immich-media.mount");
    expect(fileDisplayId("/etc/frontend/Caddyfile")).toBe("file//etc/frontend/Caddyfile");
  });

  it("classifies unit kinds", () => {
    expect(unitKind("a.container", "quadlet")).toBe("quadlet_resource");
    expect(unitKind("a.service", "native")).toBe("generated_unit");
    expect(unitKind("a.mount", "native")).toBe("mount");
    expect(unitKind("a.automount", "native")).toBe("automount");
  });

  it("resolves exact ids, bare names and suffixes", () => {
    expect(resolveObjectQuery("container/frontend.container", IDS)).toEqual(["container/frontend.container"]);
    expect(resolveObjectQuery("frontend.container", IDS)).toEqual(["container/frontend.container"]);
    expect(resolveObjectQuery("/etc/frontend/Caddyfile", IDS)).toEqual(["file//etc/frontend/Caddyfile"]);
    expect(resolveObjectQuery("Caddyfile", IDS)).toEqual(["file//etc/frontend/Caddyfile"]);
    expect(resolveObjectQuery("var-lib-immich-media.mount", IDS)).toEqual([
      "mount/var-lib-immich-media.mount",
    ]);
    expect(resolveObjectQuery("nothing", IDS)).toEqual([]);
  });
});
