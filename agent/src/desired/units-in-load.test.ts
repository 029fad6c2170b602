import { afterEach, describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { desiredObjects } from "../resources/from-desired.js";
import { loadDesiredState } from "./load.js";
import { makeTree, removeTree, type TreeEntry } from "./test-support/tree.js";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) removeTree(r);
});

const WEB = "[Container]\nImage=docker.io/library/caddy:2.8.4-alpine\n";

function files(extra: Record<string, TreeEntry>, services = "[web]"): Record<string, TreeEntry> {
  return {
    "services/web/web.container": WEB,
    "hosts/h1/host.yaml": `host: h1\nservices: ${services}\n`,
    ...extra,
  };
}

async function load(tree: Record<string, TreeEntry>) {
  const root = makeTree(tree);
  roots.push(root);
  return loadDesiredState(root, "h1");
}

async function failure(tree: Record<string, TreeEntry>): Promise<CoreOpsError> {
  try {
    await load(tree);
  } catch (err) {
    if (err instanceof CoreOpsError) return err;
    throw err;
  }
  throw new Error("loadDesiredState accepted the repository");
}

describe("unit file names follow systemd's rules", () => {
  it("accepts templates and \\x2d escapes", async () => {
    const state = await load(
      files({
        "services/web/foo\\x2dbar.service": "[Service]\nExecStart=/usr/bin/true\n",
        "services/web/getty@.service": "[Service]\nExecStart=/usr/bin/true\n",
      }),
    );
    expect(state.units.map((u) => u.fileName)).toEqual([
      "foo\\x2dbar.service",
      "getty@.service",
      "web.container",
    ]);
  });

  it("rejects a unit file name systemd would not accept", async () => {
    const err = await failure(files({ "services/web/bad name.service": "[Service]\n" }));
    expect(err.code).toBe("invalid_unit_name");
    expect(err.exitCode).toBe(65);
    expect(err.file).toBe("services/web/bad name.service");
    expect(err.message).toBe("'bad name.service' is not a valid unit file name");
    expect(err.hint).toContain("\\x2d");
    expect((await failure(files({ "services/web/@x.service": "[Service]\n" }))).code).toBe(
      "invalid_unit_name",
    );
  });
});

describe("unit syntax is checked with the units parser", () => {
  it("a syntax error in a unit is exit 65 with file and line", async () => {
    const err = await failure(
      files({ "services/web/web.container": "[Container]\nImage=a\nnot an assignment\n" }),
    );
    expect(err.code).toBe("unit_syntax");
    expect(err.exitCode).toBe(65);
    expect(err.file).toBe("services/web/web.container");
    expect(err.line).toBe(3);
  });

  it("a syntax error in a host drop-in names the drop-in", async () => {
    const err = await failure(files({ "hosts/h1/overrides/web.container.d/50-x.conf": "Image=b\n" }));
    expect(err.code).toBe("unit_syntax");
    expect(err.file).toBe("hosts/h1/overrides/web.container.d/50-x.conf");
    expect(err.line).toBe(1);
  });

  it("two files that become the same runtime unit are a conflict", async () => {
    const err = await failure(
      files({ "services/api/web.service": "[Service]\nExecStart=/usr/bin/true\n" }, "[web, api]"),
    );
    expect(err.code).toBe("destination_conflict");
    expect(err.message).toBe(
      "two sources for runtime unit web.service: 'services/api/web.service' and 'services/web/web.container'",
    );
    expect(err.related).toEqual(["services/api/web.service"]);
    const viaServiceName = await failure(
      files({ "services/web/other.container": "[Container]\nImage=b\nServiceName=web\n" }),
    );
    expect(viaServiceName.code).toBe("destination_conflict");
    expect(viaServiceName.message).toContain("runtime unit web.service");
  });
});

describe("companion files", () => {
  it("deploys a referenced file, with the mode from the executable bit and who references it", async () => {
    const state = await load(
      files({
        "services/web/web.container": `${WEB}EnvironmentFile=web.env\nVolume=./hooks:/hooks:ro\n`,
        "services/web/web.env": "A=1\n",
        "services/web/hooks/start.sh": { content: "#!/bin/sh\n", mode: 0o755 },
        "services/web/hooks/lib/common.sh": "x\n",
      }),
    );
    expect(
      state.companions.map((c) => [c.relPath, c.mode.toString(8), c.referencedBy, c.source.path]),
    ).toEqual([
      ["hooks/lib/common.sh", "644", ["web.container"], "services/web/hooks/lib/common.sh"],
      ["hooks/start.sh", "755", ["web.container"], "services/web/hooks/start.sh"],
      ["web.env", "644", ["web.container"], "services/web/web.env"],
    ]);
    expect(state.companions[2]?.content.toString()).toBe("A=1\n");
    expect(state.companions[2]?.service).toBe("web");
  });

  it("counts references made by a host drop-in", async () => {
    const state = await load(
      files({
        "services/web/web.env": "A=1\n",
        "hosts/h1/overrides/web.container.d/50-env.conf": "[Container]\nEnvironmentFile=web.env\n",
      }),
    );
    expect(state.companions.map((c) => c.relPath)).toEqual(["web.env"]);
  });

  it("a stray file names the file and lists what is allowed", async () => {
    const err = await failure(files({ "services/web/notes.txt": "todo\n" }));
    expect(err.code).toBe("stray_file");
    expect(err.file).toBe("services/web/notes.txt");
    expect(err.message).toBe(
      "stray file 'services/web/notes.txt': no Quadlet file of service 'web' references it",
    );
    expect(err.hint).toContain("Quadlet files (.container .volume .network .pod .kube .image .build)");
    expect(err.hint).toContain("<unit>.d/<name>.conf drop-ins");
    const nested = await failure(files({ "services/web/extra/a.yaml": "x\n" }));
    expect(nested.file).toBe("services/web/extra/a.yaml");
  });

  it("a file referenced only by another service's Quadlet file is still stray in its own service", async () => {
    const err = await failure(
      files(
        {
          "services/web/web.container": `${WEB}EnvironmentFile=shared.env\n`,
          "services/web/shared.env": "A=1\n",
          "services/api/api.container": "[Container]\nImage=b\n",
          "services/api/shared2.env": "B=1\n",
        },
        "[web, api]",
      ),
    );
    expect(err.code).toBe("stray_file");
    expect(err.file).toBe("services/api/shared2.env");
  });

  it("a referenced file that does not exist names the Quadlet file and line", async () => {
    const err = await failure(files({ "services/web/web.container": `${WEB}EnvironmentFile=missing.env\n` }));
    expect(err.code).toBe("companion_missing");
    expect(err.file).toBe("services/web/web.container");
    expect(err.line).toBe(3);
    expect(err.field).toBe("[Container] EnvironmentFile");
    expect(err.message).toContain("services/web/missing.env, which does not exist");
  });

  it("a reference that leaves the service directory is rejected", async () => {
    const err = await failure(
      files({
        "services/web/web.container": `${WEB}EnvironmentFile=../api/api.env\n`,
        "services/api/api.env": "x\n",
      }),
    );
    expect(err.code).toBe("companion_outside_service");
    expect(err.message).toContain("points outside the service directory");
  });

  it("two services with a companion at the same path are a conflict", async () => {
    const err = await failure(
      files(
        {
          "services/web/web.container": `${WEB}EnvironmentFile=app.env\n`,
          "services/web/app.env": "A=1\n",
          "services/api/api.container": "[Container]\nImage=b\nEnvironmentFile=app.env\n",
          "services/api/app.env": "B=1\n",
        },
        "[web, api]",
      ),
    );
    expect(err.code).toBe("destination_conflict");
    expect(err.message).toBe(
      "two sources for companion file app.env: 'services/api/app.env' and 'services/web/app.env'",
    );
  });
});

describe("rendered /etc files do not shadow files CoreOps writes itself", () => {
  const DEFAULTS = { quadletDir: "/etc/containers/systemd", unitDir: "/etc/systemd/system" };
  async function objectsFailure(
    tree: Record<string, TreeEntry>,
    dirs: { quadletDir: string; unitDir: string } = DEFAULTS,
  ): Promise<CoreOpsError> {
    const state = await load(tree);
    try {
      desiredObjects(state, dirs);
    } catch (err) {
      if (err instanceof CoreOpsError) return err;
      throw err;
    }
    throw new Error("desiredObjects accepted the repository");
  }

  it("a config file at a unit's or drop-in's destination is a conflict", async () => {
    const err = await objectsFailure(
      files({ "services/web/config/etc/containers/systemd/web.container": "[Container]\nImage=x\n" }),
    );
    expect(err.code).toBe("destination_conflict");
    expect(err.message).toBe(
      "two sources for /etc/containers/systemd/web.container: 'services/web/config/etc/containers/systemd/web.container' and 'services/web/web.container'",
    );
    const dropIn = await objectsFailure(
      files({
        "services/web/web.container.d/10-a.conf": "[Container]\n",
        "services/web/config/etc/containers/systemd/web.container.d/10-a.conf": "[Container]\n",
      }),
    );
    expect(dropIn.code).toBe("destination_conflict");
    expect(dropIn.related).toEqual(["services/web/web.container.d/10-a.conf"]);
  });

  it("the conflict is found under the effective directories, not only the defaults", async () => {
    const err = await objectsFailure(
      files({ "services/web/config/etc/qd/web.container": "[Container]\nImage=x\n" }),
      { quadletDir: "/etc/qd", unitDir: "/etc/systemd/system" },
    );
    expect(err.code).toBe("destination_conflict");
    expect(err.exitCode).toBe(65);
  });

  it("any other rendered file under a unit directory is refused, saying where units belong", async () => {
    for (const path of [
      "services/web/config/etc/systemd/system/zincati.service.d/10-x.conf",
      "services/web/config/etc/systemd/system/evil.service",
      "services/web/config/etc/containers/systemd/other.container",
      "services/web/config/etc/systemd/user/x.service",
    ]) {
      const err = await objectsFailure(files({ [path]: "x\n" }));
      expect(err.code).toBe("config_in_unit_dir");
      expect(err.exitCode).toBe(65);
      expect(err.file).toBe(path);
      expect(err.hint).toMatch(/services\/<svc>\/<name>\.<ext>/);
    }
    const custom = await objectsFailure(files({ "services/web/config/etc/units/a.service": "x\n" }), {
      quadletDir: "/etc/containers/systemd",
      unitDir: "/etc/units",
    });
    expect(custom.code).toBe("config_in_unit_dir");
    const state = await load(files({ "services/web/config/etc/systemd/journald.conf.d/10-x.conf": "x\n" }));
    expect(desiredObjects(state, DEFAULTS).map((o) => o.id)).toContain(
      "file//etc/systemd/journald.conf.d/10-x.conf",
    );
  });
});
