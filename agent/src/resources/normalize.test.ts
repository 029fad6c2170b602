import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { desiredObjects } from "./from-desired.js";
import type { ObjectFile } from "./managed-object.js";
import { managedFileBytes } from "./marker.js";
import { normalizeArtifact } from "./normalize-artifact.js";
import { normalizeUnit } from "./normalize-unit.js";
import { DIRS, desiredState, unit } from "./test-support/desired.js";

function file(path: string, text: string, extra: Partial<ObjectFile> = {}): ObjectFile {
  return {
    path,
    role: "unit",
    bytes: managedFileBytes(text),
    mode: 0o644,
    owner: "root",
    group: "root",
    source: null,
    replaces: null,
    owned: true,
    ...extra,
  };
}

function quadlet(text: string, dropIns: string[] = []) {
  return normalizeUnit({
    fileName: "web.container",
    family: "quadlet",
    dir: DIRS.quadletDir,
    unitFile: file("/etc/containers/systemd/web.container", text),
    dropIns: dropIns.map((t, i) =>
      file(`/etc/containers/systemd/web.container.d/${i}.conf`, t, { role: "dropin" }),
    ),
    strict: true,
  });
}

function mountObj(fileName: string, text: string, strict = true) {
  return normalizeUnit({
    fileName,
    family: "native",
    dir: DIRS.unitDir,
    unitFile: file(`/etc/systemd/system/${fileName}`, text),
    dropIns: [],
    strict,
  });
}

function errorOf(fn: () => unknown): CoreOpsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreOpsError) return e;
    throw e;
  }
  throw new Error("expected a CoreOpsError");
}

const NFS = "[Mount]\nWhat=nas:/media\nWhere=/var/lib/immich/media\nType=nfs\nOptions=rw,noatime\n";

describe("unit normalization", () => {
  it("ignores comments, blank lines, whitespace around '=' and section order", () => {
    const a = quadlet("[Unit]\nDescription=web\n[Container]\nImage=caddy:2\nPublishPort=80:80\n");
    const b = quadlet(
      "# comment\n[Container]\n\nImage = caddy:2\n; other\nPublishPort=80:80\n\n[Unit]\nDescription=web\n",
    );
    expect(b.material).toBe(a.material);
    expect(b.digest).toBe(a.digest);
  });

  it("treats content, dependency directives and [Install] as material", () => {
    const base = quadlet("[Container]\nImage=caddy:2\n");
    expect(quadlet("[Container]\nImage=caddy:3\n").digest).not.toBe(base.digest);
    expect(quadlet("[Container]\nImage=caddy:2\n[Unit]\nRequires=db.service\n").digest).not.toBe(base.digest);
    expect(quadlet("[Container]\nImage=caddy:2\n[Install]\nWantedBy=default.target\n").digest).not.toBe(
      base.digest,
    );
  });

  it("applies drop-ins: the merged unit is what counts", () => {
    const merged = quadlet("[Container]\nImage=caddy:2\n", ["[Container]\nImage=caddy:3\n"]);
    expect(merged.material).toContain("Image=caddy:3");
    expect(merged.material).not.toContain("Image=caddy:2");
    expect(merged.effective).toContain("# ---- drop-in /etc/containers/systemd/web.container.d/0.conf ----");
  });

  it("names the generated unit (Quadlet naming, ServiceName=)", () => {
    expect(quadlet("[Container]\nImage=a\n").unit).toBe("web.service");
    expect(quadlet("[Container]\nImage=a\nServiceName=frontend\n").unit).toBe("frontend.service");
  });

  it("reads dependency references", () => {
    const o = quadlet(
      "[Unit]\nRequires=db.service\nAfter=db.service\n[Container]\nImage=a\nVolume=data.volume:/data\nVolume=/etc/web:/etc/caddy:ro\nNetwork=app.network\nPod=app.pod\nEnvironmentFile=web.env\n[Service]\nRequiresMountsFor=/srv/media\n",
    );
    const refs = o.deps.map(
      (d) => `${d.type}:${d.via}${"unit" in d ? d.unit : "path" in d ? d.path : d.fileName}`,
    );
    expect(refs.sort()).toEqual(
      [
        "unit:Requires=db.service",
        "unit:After=db.service",
        "quadlet:Volume=data.volume",
        "file:Volume=/etc/web",
        "quadlet:Network=app.network",
        "quadlet:Pod=app.pod",
        "file:EnvironmentFile=/etc/containers/systemd/web.env",
        "mount_path:RequiresMountsFor=/srv/media",
      ].sort(),
    );
  });
});

describe("mount normalization and validation", () => {
  it("normalizes Options spacing, Where spelling and CreateMountpoint spelling; defaults CreateMountpoint to true", () => {
    const a = mountObj("var-lib-immich-media.mount", NFS);
    const b = mountObj(
      "var-lib-immich-media.mount",
      "[Mount]\nWhat=nas:/media\nWhere=/var/lib/immich/media/\nType=nfs\nOptions=rw, noatime\n[X-CoreOps]\nCreateMountpoint=yes\n",
    );
    expect(b.material).toBe(a.material);
    expect(a.mount).toEqual({
      where: "/var/lib/immich/media",
      what: "nas:/media",
      type: "nfs",
      options: ["rw", "noatime"],
      createMountpoint: true,
      networkBacked: true,
    });
  });

  it("treats source, type, options and CreateMountpoint as material", () => {
    const a = mountObj("var-lib-immich-media.mount", NFS);
    expect(mountObj("var-lib-immich-media.mount", NFS.replace("nas:/media", "nas2:/media")).digest).not.toBe(
      a.digest,
    );
    expect(mountObj("var-lib-immich-media.mount", NFS.replace("noatime", "relatime")).digest).not.toBe(
      a.digest,
    );
    expect(
      mountObj("var-lib-immich-media.mount", `${NFS}[X-CoreOps]\nCreateMountpoint=false\n`).digest,
    ).not.toBe(a.digest);
  });

  it("rejects unsupported [X-CoreOps] fields with the seed's wording, naming file and line", () => {
    const e = errorOf(() =>
      mountObj("var-lib-immich-media.mount", `${NFS}[X-CoreOps]\nNetworkBacked=true\n`),
    );
    expect(e.message).toBe("unsupported X-CoreOps field in var-lib-immich-media.mount: NetworkBacked");
    expect(e.line).toBe(7);
    expect(e.exitCode).toBe(65);
  });

  it("rejects a non-boolean CreateMountpoint", () => {
    const e = errorOf(() =>
      mountObj("var-lib-immich-media.mount", `${NFS}[X-CoreOps]\nCreateMountpoint=maybe\n`),
    );
    expect(e.message).toMatch(/invalid CreateMountpoint value/);
  });

  it("rejects a mount whose name does not match Where", () => {
    const e = errorOf(() => mountObj("srv-media.mount", NFS));
    expect(e.message).toBe(
      "mount unit name does not match Mount Where in srv-media.mount: expected var-lib-immich-media.mount",
    );
    expect(e.line).toBe(3);
  });

  it("rejects an automount whose name does not match Where", () => {
    const e = errorOf(() => mountObj("srv-media.automount", "[Automount]\nWhere=/var/lib/immich/media\n"));
    expect(e.message).toBe(
      "automount unit name does not match Automount Where in srv-media.automount: expected var-lib-immich-media.automount",
    );
  });

  it("accepts escaped names exactly as systemd-escape forms them", () => {
    const o = mountObj("srv-my\\x2ddata.mount", "[Mount]\nWhat=/dev/sdb1\nWhere=/srv/my-data\n");
    expect(o.mount?.where).toBe("/srv/my-data");
  });

  it("tolerates invalid host files on the observed side and notes why", () => {
    const o = mountObj("srv-media.mount", NFS, false);
    expect(o.notes.join("\n")).toMatch(/mount unit name does not match/);
  });

  it("allows an automount only for a network file system with a matching mount", () => {
    const auto = unit(
      "immich",
      "var-lib-immich-media.automount",
      "[Automount]\nWhere=/var/lib/immich/media\n",
    );
    const nfs = unit("immich", "var-lib-immich-media.mount", NFS);
    expect(desiredObjects(desiredState({ units: [auto, nfs] }), DIRS).map((o) => o.id)).toEqual([
      "automount/var-lib-immich-media.automount",
      "mount/var-lib-immich-media.mount",
    ]);
    const local = unit("immich", "var-lib-immich-media.mount", NFS.replace("Type=nfs", "Type=ext4"));
    let e = errorOf(() => desiredObjects(desiredState({ units: [auto, local] }), DIRS));
    expect(e.message).toBe("automount requires network-backed mount declaration: var-lib-immich-media");
    expect(e.hint).toMatch(/nfs, nfs4, cifs, smbfs, sshfs, glusterfs, ceph, cephfs/);
    e = errorOf(() => desiredObjects(desiredState({ units: [auto] }), DIRS));
    expect(e.message).toBe(
      "managed automount artifact requires matching mount artifact: var-lib-immich-media",
    );
    const withX = unit(
      "immich",
      "var-lib-immich-media.automount",
      "[Automount]\nWhere=/var/lib/immich/media\n[X-CoreOps]\nCreateMountpoint=true\n",
    );
    e = errorOf(() => desiredObjects(desiredState({ units: [withX, nfs] }), DIRS));
    expect(e.message).toBe("unsupported X-CoreOps field in var-lib-immich-media.automount: CreateMountpoint");
  });
});

describe("rendered artifacts", () => {
  it("treats content, mode, owner and group as material", () => {
    const base = {
      path: "/etc/web/Caddyfile",
      role: "config" as const,
      source: null,
      replaces: null,
      owned: true,
    };
    const a = normalizeArtifact({
      ...base,
      bytes: Buffer.from("x\n"),
      mode: 0o644,
      owner: "root",
      group: "root",
    });
    const same = normalizeArtifact({
      ...base,
      bytes: Buffer.from("x\n"),
      mode: 0o644,
      owner: "root",
      group: "root",
    });
    expect(same.digest).toBe(a.digest);
    for (const change of [
      { bytes: Buffer.from("y\n") },
      { mode: 0o755 },
      { owner: "caddy" },
      { group: "wheel" },
    ]) {
      const b = normalizeArtifact({
        ...base,
        bytes: Buffer.from("x\n"),
        mode: 0o644,
        owner: "root",
        group: "root",
        ...change,
      });
      expect(b.digest).not.toBe(a.digest);
    }
    expect(a.id).toBe("file//etc/web/Caddyfile");
  });

  it("does not count a companion's marker line as content", () => {
    const base = {
      path: "/etc/containers/systemd/web.env",
      role: "companion" as const,
      source: null,
      replaces: null,
      owned: true,
    };
    const marked = normalizeArtifact({
      ...base,
      bytes: managedFileBytes("A=1\n"),
      mode: 0o644,
      owner: "root",
      group: "root",
    });
    const plain = normalizeArtifact({
      ...base,
      bytes: Buffer.from("A=1\n"),
      mode: 0o644,
      owner: "root",
      group: "root",
    });
    expect(marked.digest).toBe(plain.digest);
  });
});

describe("mount drop-ins", () => {
  it("takes the last Options= (single-valued), as systemd does", () => {
    const o = normalizeUnit({
      fileName: "var-lib-immich-media.mount",
      family: "native",
      dir: DIRS.unitDir,
      unitFile: file("/etc/systemd/system/var-lib-immich-media.mount", NFS),
      dropIns: [
        file(
          "/etc/systemd/system/var-lib-immich-media.mount.d/50.conf",
          "[Mount]\nOptions=rw,nfsvers=4.2\n",
          {
            role: "dropin",
          },
        ),
      ],
      strict: true,
    });
    expect(o.mount?.options).toEqual(["rw", "nfsvers=4.2"]);
  });
});
