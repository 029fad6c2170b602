import { execFileSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { loadDesiredState } from "./load.js";
import { makeTree, removeTree, type TreeEntry } from "./test-support/tree.js";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) removeTree(r);
});

function repo(files: Record<string, TreeEntry>): string {
  const root = makeTree(files);
  roots.push(root);
  return root;
}

const WEB = "[Container]\nImage=docker.io/library/caddy:2.8\n";

function baseFiles(): Record<string, TreeEntry> {
  return {
    "services/web/web.container": WEB,
    "services/web/web.container.d/10-env.conf": "[Container]\nEnvironment=A=1\n",
    "services/web/config/etc/web/Caddyfile": ":80 {\n}\n",
    "services/app/app.service": "[Service]\nExecStart=/usr/bin/true\n",
    "hosts/h1/host.yaml": "host: h1\nservices:\n  - web\n  - app\n",
  };
}

async function failure(files: Record<string, TreeEntry>, host = "h1"): Promise<CoreOpsError> {
  const root = repo(files);
  try {
    await loadDesiredState(root, host);
  } catch (err) {
    if (err instanceof CoreOpsError) return err;
    throw err;
  }
  throw new Error("loadDesiredState accepted the repository");
}

describe("loadDesiredState: a valid repository", () => {
  it("reads units, drop-ins and config files, sorted, with sources", async () => {
    const root = repo({
      ...baseFiles(),
      "hosts/h1/overrides/web.container.d/10-env.conf": "[Container]\nEnvironment=A=2\n",
      "hosts/h1/overrides/web.container.d/50-host.conf": "[Container]\nEnvironment=H=1\n",
      "hosts/h1/overrides/config/etc/web/Caddyfile": { content: "#!/bin/sh\n", mode: 0o755 },
    });
    const state = await loadDesiredState(root, "h1");
    expect(state.host).toBe("h1");
    expect(state.hostFile).toBe("hosts/h1/host.yaml");
    expect(state.services).toEqual(["web", "app"]);
    expect(state.units.map((u) => [u.fileName, u.family, u.service])).toEqual([
      ["app.service", "native", "app"],
      ["web.container", "quadlet", "web"],
    ]);
    const web = state.units[1];
    expect(web?.text).toBe(WEB);
    expect(web?.source).toEqual({ layer: "base", path: "services/web/web.container" });
    expect(web?.dropIns.map((d) => [d.name, d.source.path, d.replaces?.path])).toEqual([
      [
        "10-env.conf",
        "hosts/h1/overrides/web.container.d/10-env.conf",
        "services/web/web.container.d/10-env.conf",
      ],
      ["50-host.conf", "hosts/h1/overrides/web.container.d/50-host.conf", undefined],
    ]);
    expect(state.configs).toHaveLength(1);
    expect(state.configs[0]).toMatchObject({
      service: "web",
      target: "/etc/web/Caddyfile",
      source: { layer: "host", path: "hosts/h1/overrides/config/etc/web/Caddyfile" },
      replaces: { layer: "base", path: "services/web/config/etc/web/Caddyfile" },
      mode: 0o755,
      owner: "root",
      group: "root",
    });
    expect(state.companions).toEqual([]);
    expect(state.source).toEqual({
      kind: "directory",
      root: path.resolve(root),
      repository: null,
      requestedRef: null,
      revision: null,
    });
  });

  it("loads only the selected services and takes the mode 0644 for non-executable files", async () => {
    const root = repo({ ...baseFiles(), "hosts/h2/host.yaml": "host: h2\nservices: [web]\n" });
    const state = await loadDesiredState(root, "h2", {
      kind: "git",
      repository: "file:///r",
      requestedRef: "v1",
      revision: "abc",
    });
    expect(state.units.map((u) => u.fileName)).toEqual(["web.container"]);
    expect(state.configs[0]?.mode).toBe(0o644);
    expect(state.source).toMatchObject({
      kind: "git",
      repository: "file:///r",
      requestedRef: "v1",
      revision: "abc",
    });
  });

  it("follows a symlink to a file inside the repository", async () => {
    const root = repo({
      ...baseFiles(),
      "shared/Caddyfile": "shared\n",
      "services/web/config/etc/web/Caddyfile": { symlink: "../../../../../shared/Caddyfile" },
    });
    const state = await loadDesiredState(root, "h1");
    expect(state.configs[0]?.content.toString()).toBe("shared\n");
  });
});

describe("loadDesiredState: every bad input is a typed error naming the file", () => {
  it("a missing root is exit 64", async () => {
    const root = repo({});
    rmSync(root, { recursive: true });
    let err: unknown;
    try {
      await loadDesiredState(root, "h1");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoreOpsError);
    expect((err as CoreOpsError).exitCode).toBe(64);
    expect((err as CoreOpsError).code).toBe("source_missing");
    expect((err as CoreOpsError).message).toContain("does not exist or is not a directory");
  });

  it("missing services/ or hosts/", async () => {
    const noServices = await failure({ "hosts/h1/host.yaml": "host: h1\nservices: []\n" });
    expect(noServices.code).toBe("missing_services_dir");
    expect(noServices.exitCode).toBe(65);
    const noHosts = await failure({ "services/web/web.container": WEB });
    expect(noHosts.code).toBe("missing_hosts_dir");
  });

  it("malformed host.yaml carries file and line", async () => {
    const err = await failure({ ...baseFiles(), "hosts/h1/host.yaml": "host: h1\nservices: [web\n" });
    expect(err.code).toBe("host_file_yaml");
    expect(err.file).toBe("hosts/h1/host.yaml");
    expect(err.line).toBeGreaterThanOrEqual(2);
  });

  it("host ≠ directory name", async () => {
    const err = await failure({ ...baseFiles(), "hosts/h1/host.yaml": "host: h2\nservices: [web]\n" });
    expect(err.code).toBe("host_mismatch");
    expect(err.message).toBe("host field 'h2' does not match directory 'h1'");
    expect(err.line).toBe(1);
  });

  it("missing host directory lists the known hosts", async () => {
    const err = await failure(baseFiles(), "h9");
    expect(err.code).toBe("host_not_found");
    expect(err.file).toBe("hosts/h9");
    expect(err.message).toContain("no host directory hosts/h9/");
    expect(err.hint).toContain("known hosts: h1");
  });

  it("missing host.yaml", async () => {
    const files = baseFiles();
    delete files["hosts/h1/host.yaml"];
    const err = await failure({ ...files, "hosts/h1/overrides/.keep": "" });
    expect(err.code).toBe("missing_host_file");
    expect(err.file).toBe("hosts/h1/host.yaml");
  });

  it("an invalid host name", async () => {
    const err = await failure(baseFiles(), "-h1");
    expect(err.code).toBe("invalid_identifier");
    expect(err.field).toBe("host");
  });

  it("unknown service, with line and the known services", async () => {
    const err = await failure({
      ...baseFiles(),
      "hosts/h1/host.yaml": "host: h1\nservices:\n  - web\n  - nope\n",
    });
    expect(err.code).toBe("unknown_service");
    expect(err.message).toBe("unknown service 'nope': there is no services/nope/ directory");
    expect(err.line).toBe(4);
    expect(err.field).toBe("services[1]");
    expect(err.hint).toContain("known services: app, web");
  });

  it("duplicate service", async () => {
    const err = await failure({
      ...baseFiles(),
      "hosts/h1/host.yaml": "host: h1\nservices: [web, app, web]\n",
    });
    expect(err.code).toBe("duplicate_service");
    expect(err.field).toBe("services[2]");
  });

  it("missing services key", async () => {
    const err = await failure({ ...baseFiles(), "hosts/h1/host.yaml": "host: h1\n" });
    expect(err.code).toBe("missing_services");
  });

  it("service directory name outside the identifier pattern", async () => {
    const err = await failure({ ...baseFiles(), "services/bad name/x.service": "[Service]\n" });
    expect(err.code).toBe("invalid_identifier");
    expect(err.file).toBe("services/bad name");
    expect(err.message).toContain("'bad name' is not a valid identifier");
  });

  it("a file directly under services/", async () => {
    const err = await failure({ ...baseFiles(), "services/README.md": "hi" });
    expect(err.code).toBe("unknown_file_kind");
    expect(err.file).toBe("services/README.md");
  });

  it("base drop-in for a unit that does not exist", async () => {
    const err = await failure({ ...baseFiles(), "services/web/wbe.container.d/10.conf": "[Container]\n" });
    expect(err.code).toBe("dropin_unit_missing");
    expect(err.file).toBe("services/web/wbe.container.d");
    expect(err.message).toContain("unit 'wbe.container', which does not exist in service 'web'");
    expect(err.hint).toContain("web.container");
  });

  it("host drop-in for a unit that no selected service provides", async () => {
    const err = await failure({
      ...baseFiles(),
      "hosts/h1/overrides/db.container.d/10.conf": "[Container]\n",
    });
    expect(err.code).toBe("dropin_unit_missing");
    expect(err.file).toBe("hosts/h1/overrides/db.container.d/10.conf");
    expect(err.hint).toContain("app.service, web.container");
  });

  it("drop-in not ending in .conf (base and host)", async () => {
    const b = await failure({ ...baseFiles(), "services/web/web.container.d/20-x.txt": "[Container]\n" });
    expect(b.code).toBe("dropin_not_conf");
    expect(b.file).toBe("services/web/web.container.d/20-x.txt");
    expect(b.message).toContain("does not end in .conf");
    const h = await failure({
      ...baseFiles(),
      "hosts/h1/overrides/web.container.d/90-x.cnf": "[Container]\n",
    });
    expect(h.file).toBe("hosts/h1/overrides/web.container.d/90-x.cnf");
  });

  it("host drop-in sorting before a base drop-in names both files", async () => {
    const err = await failure({
      ...baseFiles(),
      "hosts/h1/overrides/web.container.d/05-early.conf": "[Container]\n",
    });
    expect(err.code).toBe("dropin_sorts_before_base");
    expect(err.file).toBe("hosts/h1/overrides/web.container.d/05-early.conf");
    expect(err.related).toEqual(["services/web/web.container.d/10-env.conf"]);
    expect(err.render()).toContain("services/web/web.container.d/10-env.conf");
  });

  it("config target outside /etc/", async () => {
    const err = await failure({ ...baseFiles(), "services/web/config/usr/local/bin/x": "x" });
    expect(err.code).toBe("config_outside_etc");
    expect(err.file).toBe("services/web/config/usr/local/bin/x");
  });

  it("host config override without a base file", async () => {
    const err = await failure({ ...baseFiles(), "hosts/h1/overrides/config/etc/other/x.conf": "x" });
    expect(err.code).toBe("host_config_without_base");
    expect(err.file).toBe("hosts/h1/overrides/config/etc/other/x.conf");
  });

  it("a symlink pointing outside the repository, anywhere in it", async () => {
    const inService = await failure({
      ...baseFiles(),
      "services/web/config/etc/web/passwd": { symlink: "/etc/passwd" },
    });
    expect(inService.code).toBe("symlink_escapes_repository");
    expect(inService.file).toBe("services/web/config/etc/web/passwd");
    expect(inService.message).toContain("points outside the repository (to '/etc/passwd')");
    const relative = await failure({ ...baseFiles(), "docs/link": { symlink: "../../etc" } });
    expect(relative.code).toBe("symlink_escapes_repository");
    expect(relative.file).toBe("docs/link");
    const dangling = await failure({ ...baseFiles(), "notes/x": { symlink: "../../nowhere/x" } });
    expect(dangling.code).toBe("symlink_escapes_repository");
  });

  it("a chain of symlinks that ends outside the repository", async () => {
    const outside = makeTree({ secret: "s" });
    roots.push(outside);
    const err = await failure({
      ...baseFiles(),
      hop: { symlink: path.join(outside, "secret") },
      "services/web/config/etc/web/key": { symlink: "../../../../../hop" },
    });
    expect(err.code).toBe("symlink_escapes_repository");
    expect(err.file).toBe("hop");
  });

  it("a dangling symlink inside the repository, and a symlinked directory", async () => {
    const dangling = await failure({
      ...baseFiles(),
      "services/web/config/etc/web/gone": { symlink: "missing" },
    });
    expect(dangling.code).toBe("symlink_dangling");
    const dir = await failure({ ...baseFiles(), "services/web/config/etc/web2": { symlink: "web" } });
    expect(dir.code).toBe("symlinked_directory");
    expect(dir.file).toBe("services/web/config/etc/web2");
  });

  it("two services writing the same /etc target", async () => {
    const err = await failure({ ...baseFiles(), "services/app/config/etc/web/Caddyfile": "other\n" });
    expect(err.code).toBe("destination_conflict");
    expect(err.message).toBe(
      "two sources for /etc/web/Caddyfile: 'services/app/config/etc/web/Caddyfile' and 'services/web/config/etc/web/Caddyfile'",
    );
    expect(err.related).toEqual(["services/app/config/etc/web/Caddyfile"]);
  });

  it("two services with the same unit file name", async () => {
    const err = await failure({ ...baseFiles(), "services/app/web.container": WEB });
    expect(err.code).toBe("destination_conflict");
    expect(err.message).toContain("two sources for unit file web.container");
  });

  it("a unit file larger than 1 MiB", async () => {
    const err = await failure({
      ...baseFiles(),
      "services/app/big.service": `[Service]\n#${"x".repeat(1024 * 1024)}\n`,
    });
    expect(err.code).toBe("unit_too_large");
    expect(err.file).toBe("services/app/big.service");
    expect(err.message).toContain("more than the 1 MiB limit");
  });

  it("a unit file or drop-in that is not UTF-8 text", async () => {
    const err = await failure({
      ...baseFiles(),
      "services/app/bin.service": Buffer.from([0x5b, 0x55, 0x5d, 0x0a, 0x41, 0x3d, 0xff, 0xfe, 0x0a]),
    });
    expect(err.code).toBe("unit_not_text");
    expect(err.file).toBe("services/app/bin.service");
    expect(err.line).toBe(2);
    expect(err.message).toContain("is not valid UTF-8 text");
    const nul = await failure({
      ...baseFiles(),
      "services/web/web.container.d/20-nul.conf": "[Container]\n\u0000\n",
    });
    expect(nul.code).toBe("unit_not_text");
    expect(nul.line).toBe(2);
  });

  it("unknown entries in hosts/<host>/ and overrides/ list what is allowed", async () => {
    const inHost = await failure({ ...baseFiles(), "hosts/h1/notes.txt": "x" });
    expect(inHost.code).toBe("unknown_file_kind");
    expect(inHost.file).toBe("hosts/h1/notes.txt");
    expect(inHost.hint).toContain("host.yaml and overrides/");
    const inOverrides = await failure({ ...baseFiles(), "hosts/h1/overrides/web.container": WEB });
    expect(inOverrides.code).toBe("unknown_file_kind");
    expect(inOverrides.hint).toContain("<unit>.d/<name>.conf");
  });

  it("a FIFO in a service directory is an unknown file kind", async () => {
    const root = repo(baseFiles());
    execFileSync("mkfifo", [path.join(root, "services/web/pipe")]);
    await expect(loadDesiredState(root, "h1")).rejects.toMatchObject({
      code: "unknown_file_kind",
      file: "services/web/pipe",
      message: "unexpected file 'services/web/pipe'",
    });
  });

  it("file permissions other than the execute bit do not matter", async () => {
    const root = repo(baseFiles());
    chmodSync(path.join(root, "services/web/web.container"), 0o600);
    await expect(loadDesiredState(root, "h1")).resolves.toMatchObject({ host: "h1" });
  });
});
