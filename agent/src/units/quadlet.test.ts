import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { parseUnitFile } from "./parse.js";
import {
  isValidUnitFileName,
  NATIVE_UNIT_EXTENSIONS,
  QUADLET_EXTENSIONS,
  runtimeUnitName,
  unitFamily,
} from "./quadlet.js";
import { companionReferences, findCompanionReferences } from "./quadlet-companions.js";
import { findQuadletDependencies, quadletDependencies } from "./quadlet-refs.js";
import { splitCsv, splitWords } from "./words.js";

describe("runtimeUnitName", () => {
  it("follows Quadlet's naming for every file type", () => {
    expect(
      ["x.container", "x.volume", "x.network", "x.pod", "x.kube", "x.image", "x.build"].map((f) =>
        runtimeUnitName(f),
      ),
    ).toEqual([
      "x.service",
      "x-volume.service",
      "x-network.service",
      "x-pod.service",
      "x.service",
      "x-image.service",
      "x-build.service",
    ]);
    expect(runtimeUnitName("services/web/frontend.container")).toBe("frontend.service");
    expect(runtimeUnitName("web@.container")).toBe("web@.service");
  });

  it("ServiceName= in the Quadlet's own section wins; in another section it does not", () => {
    const cases: Array<[string, string, string]> = [
      ["a.container", "[Container]\nImage=x\nServiceName=web\n", "web.service"],
      ["a.volume", "[Volume]\nServiceName=data\n", "data.service"],
      ["a.network", "[Network]\nServiceName=net\n", "net.service"],
      ["a.pod", "[Pod]\nServiceName=p\n", "p.service"],
      ["a.kube", "[Kube]\nYaml=a.yaml\nServiceName=k\n", "k.service"],
      ["a.image", "[Image]\nImage=x\nServiceName=img\n", "img.service"],
      ["a.build", "[Build]\nImageTag=x\nServiceName=b\n", "b.service"],
      ["a.volume", "[Container]\nServiceName=nope\n[Volume]\n", "a-volume.service"],
      ["a.container", "[Container]\nServiceName=one\nServiceName=two\n", "two.service"],
      ["a.container", "[Container]\nServiceName=one\nServiceName=\n", "a.service"],
    ];
    for (const [file, text, expected] of cases) {
      expect([file, text, runtimeUnitName(file, parseUnitFile(text, file))]).toEqual([file, text, expected]);
    }
  });

  it("native units keep their name; anything else is an error", () => {
    for (const ext of NATIVE_UNIT_EXTENSIONS) expect(runtimeUnitName(`x${ext}`)).toBe(`x${ext}`);
    expect(runtimeUnitName("var-lib-x.mount", parseUnitFile("[Mount]\nServiceName=y\n"))).toBe(
      "var-lib-x.mount",
    );
    expect(() => runtimeUnitName("notes.txt")).toThrow(CoreOpsError);
    expect(() => runtimeUnitName("x.slice")).toThrow(/neither a Quadlet file nor a managed systemd unit/);
  });

  it("classifies families and validates file names with systemd's rules", () => {
    expect(QUADLET_EXTENSIONS.map((e) => unitFamily(`x${e}`))).toEqual(
      QUADLET_EXTENSIONS.map(() => "quadlet"),
    );
    expect(unitFamily("a.mount")).toBe("native");
    expect(unitFamily("a.conf")).toBeUndefined();
    expect(isValidUnitFileName("var-lib-a\\x2db.mount")).toBe(true);
    expect(isValidUnitFileName("web@.container")).toBe(true);
    expect(isValidUnitFileName("we b.container")).toBe(false);
    expect(isValidUnitFileName("@x.volume")).toBe(false);
    expect(isValidUnitFileName("x.slice")).toBe(false);
  });
});

describe("companionReferences", () => {
  it("finds every Yaml= of a .kube, as Podman's generator reads them all, each at its own line", () => {
    const kube = parseUnitFile("[Kube]\nYaml=a.yaml\nYaml=b.yaml c.yaml\n", "app.kube");
    expect(findCompanionReferences("app.kube", kube).map((r) => `${r.path}@${r.line}`)).toEqual([
      "a.yaml@2",
      "b.yaml@3",
      "c.yaml@3",
    ]);
  });

  it("finds Yaml= and ConfigMap= of a .kube, ContainersConfModule=, but not absolute or specifier paths", () => {
    const kube = parseUnitFile(
      "[Kube]\nYaml=./app/play.yaml\nConfigMap=cm1.yaml 'cm two.yaml'\nConfigMap=/etc/abs.yaml\n" +
        "ContainersConfModule=mods/extra.conf\nContainersConfModule=%h/x.conf\n",
      "app.kube",
    );
    expect(companionReferences("app.kube", kube)).toEqual([
      "app/play.yaml",
      "cm two.yaml",
      "cm1.yaml",
      "mods/extra.conf",
    ]);
  });

  it("finds relative EnvironmentFile= (several per line, quoted) and relative bind sources of a .container", () => {
    const text = [
      "[Container]",
      "Image=x",
      'EnvironmentFile=app.env "other file.env"',
      "EnvironmentFile=/etc/abs.env",
      "Volume=./data:/data:Z",
      "Volume=named.volume:/v",
      "Volume=/srv:/srv",
      "Mount=type=bind,source=./conf,destination=/conf,ro=true",
      "Mount=type=volume,source=./notbind,destination=/x",
      "[Service]",
      "EnvironmentFile=-/etc/sysconfig/x",
    ].join("\n");
    const u = parseUnitFile(text, "web.container");
    expect(companionReferences("web.container", u)).toEqual(["app.env", "conf", "data", "other file.env"]);
    const env = findCompanionReferences("web.container", u).find((r) => r.path === "app.env");
    expect(env).toMatchObject({ section: "Container", key: "EnvironmentFile", line: 3, kind: "file" });
  });

  it("an empty assignment drops earlier references", () => {
    const u = parseUnitFile("[Container]\nEnvironmentFile=a.env\nEnvironmentFile=\nEnvironmentFile=b.env\n");
    expect(companionReferences("x.container", u)).toEqual(["b.env"]);
  });

  it("finds a .build's relative context and File=, but not the file/unit keywords or URLs", () => {
    const ctx = parseUnitFile(
      "[Build]\nImageTag=localhost/x\nSetWorkingDirectory=./ctx/\nFile=Containerfile\n",
    );
    expect(companionReferences("x.build", ctx)).toEqual(["Containerfile", "ctx"]);
    expect(findCompanionReferences("x.build", ctx)[0]?.kind).toBe("directory");
    const unitWd = parseUnitFile("[Build]\nImageTag=x\nSetWorkingDirectory=unit\nFile=build/Containerfile\n");
    expect(companionReferences("x.build", unitWd)).toEqual(["build/Containerfile"]);
    const url = parseUnitFile(
      "[Build]\nImageTag=x\nSetWorkingDirectory=https://github.com/a/b.git\nFile=https://example.invalid/Containerfile\n",
    );
    expect(companionReferences("x.build", url)).toEqual([]);
    const explicit = parseUnitFile(
      "[Build]\nImageTag=x\nSetWorkingDirectory=ctx\n[Service]\nWorkingDirectory=/srv\n",
    );
    expect(companionReferences("x.build", explicit)).toEqual([]);
  });

  it("native units and keys in other sections reference nothing", () => {
    const u = parseUnitFile("[Service]\nEnvironmentFile=rel.env\n[Kube]\nYaml=a.yaml\n");
    expect(companionReferences("x.service", u)).toEqual([]);
    expect(companionReferences("x.container", u)).toEqual([]);
  });
});

describe("Volume= and Mount= sources (one rule for companions and dependencies)", () => {
  it("a Mount= without type= is a volume mount; a Volume= without ':' is anonymous and names no source", () => {
    const text = [
      "[Container]",
      "Image=x",
      "Volume=./anon",
      "Volume=lonely.volume",
      "Mount=source=untyped.volume,destination=/u",
      "Mount=src=./untyped-dir,destination=/d",
    ].join("\n");
    const u = parseUnitFile(text, "app.container");
    expect(quadletDependencies("app.container", u)).toEqual(["untyped.volume"]);
    expect(companionReferences("app.container", u)).toEqual([]);
  });

  it("a source starting with '.' is a path next to the unit, even when it ends in .volume", () => {
    const u = parseUnitFile("[Container]\nImage=x\nVolume=./seed.volume:/seed\n", "app.container");
    expect(quadletDependencies("app.container", u)).toEqual([]);
    expect(companionReferences("app.container", u)).toEqual(["seed.volume"]);
  });

  it("a Mount= value is split into words like Podman's LookupAllArgs (quotes removed), each word a CSV list", () => {
    const text = [
      "[Container]",
      "Image=x",
      'Mount="type=bind,source=./conf,destination=/c"',
      "Mount=type=volume,source=a.volume,dst=/a type=volume,source=b.volume,dst=/b",
    ].join("\n");
    const u = parseUnitFile(text, "app.container");
    expect(quadletDependencies("app.container", u)).toEqual(["a.volume", "b.volume"]);
    expect(companionReferences("app.container", u)).toEqual(["conf"]);
  });
});

describe("quadletDependencies", () => {
  it("lists referenced .volume/.network/.pod/.image/.build files", () => {
    const text = [
      "[Container]",
      "Image=app.build",
      "Volume=data.volume:/data:Z",
      "Volume=/abs:/abs",
      "Volume=anon-only",
      "Network=front.network:ip=10.0.0.5",
      "Network=host",
      "Pod=group.pod",
      "Mount=type=image,source=tools.image,destination=/tools",
      "Mount=type=volume,source=cache.volume,destination=/cache",
    ].join("\n");
    const u = parseUnitFile(text, "app.container");
    expect(quadletDependencies("app.container", u)).toEqual([
      "app.build",
      "cache.volume",
      "data.volume",
      "front.network",
      "group.pod",
      "tools.image",
    ]);
    expect(findQuadletDependencies("app.container", u).find((d) => d.fileName === "group.pod")).toMatchObject(
      {
        key: "Pod",
        line: 8,
      },
    );
  });

  it("respects resets, last-wins keys and the file type", () => {
    const u = parseUnitFile(
      "[Container]\nVolume=a.volume:/a\nVolume=\nVolume=b.volume:/b\nImage=x.image\nImage=quay.io/x\n",
    );
    expect(quadletDependencies("c.container", u)).toEqual(["b.volume"]);
    const vol = parseUnitFile("[Volume]\nDriver=image\nImage=base.image\n");
    expect(quadletDependencies("v.volume", vol)).toEqual(["base.image"]);
    const plainVol = parseUnitFile("[Volume]\nImage=base.image\n");
    expect(quadletDependencies("v.volume", plainVol)).toEqual([]);
    const kube = parseUnitFile("[Kube]\nYaml=k.yaml\nNetwork=n.network\n");
    expect(quadletDependencies("k.kube", kube)).toEqual(["n.network"]);
    const pod = parseUnitFile("[Pod]\nVolume=p.volume:/p\nNetwork=other.container\n");
    expect(quadletDependencies("p.pod", pod)).toEqual(["other.container", "p.volume"]);
    const build = parseUnitFile("[Build]\nImageTag=t\nNetwork=vpn.container\n");
    expect(quadletDependencies("b.build", build)).toEqual(["vpn.container"]);
  });

  it("drops surrounding double quotes of the single-valued Pod= and Image= (Podman's Lookup)", () => {
    const quoted = parseUnitFile('[Container]\nImage="base.image"\nPod="group.pod"\n');
    expect(quadletDependencies("c.container", quoted)).toEqual(["base.image", "group.pod"]);
  });
});

describe("words", () => {
  it("splits like systemd's extract_first_word for quotes and escapes", () => {
    expect(splitWords(` a "b c" 'd "e"' f\\ g "h\\"i" `)).toEqual(["a", "b c", 'd "e"', "f g", 'h"i']);
    expect(splitWords("")).toEqual([]);
    expect(splitWords('""')).toEqual([""]);
  });

  it("splits CSV with quotes", () => {
    expect(splitCsv('type=bind,"source=a,b",ro')).toEqual(["type=bind", "source=a,b", "ro"]);
  });
});
