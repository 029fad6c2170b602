import { describe, expect, it } from "vitest";
import type { DependencyRef } from "./dependency-refs.js";
import { desiredObjects } from "./from-desired.js";
import { DIRS, desiredState, unit } from "./test-support/desired.js";

/** The dependency references of one desired Quadlet file, as `type:via target` strings in emission order. */
function refsOf(fileName: string, text: string): string[] {
  const [o] = desiredObjects(desiredState({ units: [unit("svc", fileName, text)] }), DIRS);
  return (o?.deps ?? []).map((d: DependencyRef) => {
    const target = d.type === "unit" ? d.unit : d.type === "quadlet" ? d.fileName : d.path;
    return `${d.type}:${d.via}${target}`;
  });
}

// The Quadlet rules these follow are written in units/quadlet-refs.ts (podman-systemd.unit(5)).
describe("Quadlet references become planner dependencies as Podman's generator reads them", () => {
  it("a Mount= without type= is a volume mount (Podman >= 5.6 defaults the type to volume)", () => {
    expect(
      refsOf("app.container", "[Container]\nImage=a\nMount=source=data.volume,destination=/d\n"),
    ).toEqual(["quadlet:Mount=data.volume"]);
  });

  it("a Mount=type=image of a .image file is a reference", () => {
    expect(
      refsOf("app.container", "[Container]\nImage=a\nMount=type=image,source=tools.image,destination=/t\n"),
    ).toEqual(["quadlet:Mount=tools.image"]);
  });

  it("a Network= naming a .container file is a reference (the container joins its network stack)", () => {
    expect(refsOf("app.container", "[Container]\nImage=a\nNetwork=vpn.container\n")).toEqual([
      "quadlet:Network=vpn.container",
    ]);
  });

  it("a .volume's Image= is a reference only with Driver=image", () => {
    expect(refsOf("v.volume", "[Volume]\nImage=base.image\n")).toEqual([]);
    expect(refsOf("v.volume", "[Volume]\nDriver=image\nImage=base.image\n")).toEqual([
      "quadlet:Image=base.image",
    ]);
  });

  it("a Volume= without ':' is an anonymous volume at a container path, not a host path", () => {
    expect(refsOf("app.container", "[Container]\nImage=a\nVolume=/data\n")).toEqual([]);
    expect(refsOf("app.container", "[Container]\nImage=a\nVolume=/srv/data:/data\n")).toEqual([
      "file:Volume=/srv/data",
    ]);
  });

  it("Mount= fields are CSV: a quoted field keeps its commas", () => {
    expect(
      refsOf("app.container", `[Container]\nImage=a\nMount='type=bind,"source=/srv/a,b",destination=/x'\n`),
    ).toEqual(["file:Mount=/srv/a,b"]);
  });

  it("Pod= and Image= are single-valued: the last assignment wins", () => {
    expect(
      refsOf("app.container", "[Container]\nImage=old.image\nImage=new.build\nPod=a.pod\nPod=b.pod\n"),
    ).toEqual(["quadlet:Pod=b.pod", "quadlet:Image=new.build"]);
  });

  it("reads only the keys the file's own type takes", () => {
    expect(refsOf("k.kube", "[Kube]\nYaml=/srv/k.yaml\nVolume=data.volume:/d\nNetwork=n.network\n")).toEqual([
      "quadlet:Network=n.network",
      "file:Yaml=/srv/k.yaml",
    ]);
  });

  it("the files Podman reads are split into words, as its generator splits them", () => {
    expect(
      refsOf("k.kube", "[Kube]\nYaml=/srv/a.yaml /srv/b.yaml\nConfigMap=/srv/c.yaml '/srv/d e.yaml'\n"),
    ).toEqual([
      "file:Yaml=/srv/a.yaml",
      "file:Yaml=/srv/b.yaml",
      "file:ConfigMap=/srv/c.yaml",
      "file:ConfigMap=/srv/d e.yaml",
    ]);
    expect(refsOf("app.container", "[Container]\nImage=a\nEnvironmentFile=/etc/a.env /etc/b.env\n")).toEqual([
      "file:EnvironmentFile=/etc/a.env",
      "file:EnvironmentFile=/etc/b.env",
    ]);
  });

  it("a key Podman does not read in that file's type is no dependency", () => {
    expect(
      refsOf("app.container", "[Container]\nImage=a\n[Kube]\nYaml=/srv/k.yaml\nConfigMap=/srv/c.yaml\n"),
    ).toEqual([]);
    expect(refsOf("n.network", "[Network]\n[Container]\nContainersConfModule=/etc/m.conf\n")).toEqual([]);
  });

  it("systemd's own EnvironmentFile= in [Service] stays a dependency of a Quadlet file", () => {
    expect(
      refsOf("app.container", "[Container]\nImage=a\n[Service]\nEnvironmentFile=-/etc/app.env\n"),
    ).toEqual(["file:EnvironmentFile=/etc/app.env"]);
  });

  it("a relative Volume= source is a directory of companions beside the Quadlet file", () => {
    expect(refsOf("app.container", "[Container]\nImage=a\nVolume=./conf:/conf:Z\n")).toEqual([
      "file:Volume=/etc/containers/systemd/conf",
    ]);
  });
});
