import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHostObserver } from "./fs-host-observer.js";
import { NodeHostFs } from "./host-fs.js";
import { RootResolutionError, RootResolver } from "./root-resolver.js";

let base: string;
let root: string;
let outside: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), "root-resolver-"));
  root = join(base, "root");
  outside = join(base, "outside");
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, "secret"), "outside\n");
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("RootResolver: every lookup stays inside the root", () => {
  it("reads an absolute symlink as if the root were /", () => {
    mkdirSync(join(root, "real"));
    symlinkSync(outside, join(root, "etc")); // absolute, to a directory that also exists on this machine
    const r = new RootResolver(root);
    expect(r.resolve("/etc/x.conf")).toBe(join(root, outside.slice(1), "x.conf"));
    symlinkSync("/real", join(root, "lib"));
    expect(r.resolve("/lib/a/b")).toBe(join(root, "real/a/b"));
  });

  it("never lets .. climb above the root, in a path or in a link target", () => {
    const r = new RootResolver(root);
    expect(r.resolve("/../../etc/x")).toBe(join(root, "etc/x"));
    mkdirSync(join(root, "etc"));
    symlinkSync("../../../../outside", join(root, "etc/up"));
    expect(r.resolve("/etc/up/secret")).toBe(join(root, "outside/secret"));
  });

  it("does not follow the leaf unless asked (a directory to list or create)", () => {
    mkdirSync(join(root, "etc"));
    symlinkSync(join(outside, "secret"), join(root, "etc/leaf"));
    const r = new RootResolver(root);
    expect(r.resolve("/etc/leaf")).toBe(join(root, "etc/leaf"));
    expect(r.resolve("/etc/leaf", { followLeaf: true })).toBe(join(root, outside.slice(1), "secret"));
  });

  it("stops a symlink loop with a typed error", () => {
    mkdirSync(join(root, "etc"));
    symlinkSync("/etc/b", join(root, "etc/a"));
    symlinkSync("/etc/a", join(root, "etc/b"));
    expect(() => new RootResolver(root).resolve("/etc/a/x")).toThrow(RootResolutionError);
  });

  it("with root / resolves like the kernel, minus the leaf", () => {
    const r = new RootResolver(null);
    expect(r.live).toBe(true);
    symlinkSync(outside, join(root, "dir"));
    expect(r.resolve(join(root, "dir/secret"))).toBe(join(outside, "secret"));
    expect(r.resolve(join(root, "dir"))).toBe(join(root, "dir"));
  });
});

describe("NodeHostFs and the observer use the resolver for every effect", () => {
  it("writes, links, deletes and lists under the root although /etc links outside it", () => {
    symlinkSync(outside, join(root, "etc"));
    const fs = new NodeHostFs(root);
    fs.writeAtomic("/etc/app.conf", Buffer.from("in root\n"), 0o644, -1, -1);
    fs.symlink("/etc/app.conf", "/etc/link");
    expect(readFileSync(join(root, outside.slice(1), "app.conf"), "utf8")).toBe("in root\n");
    expect(fs.list("/etc")).toEqual(["app.conf", "link"]);
    expect(fs.remove("/etc/secret")).toBe(false);
    fs.mkdirp("/etc/sub/dir", 0o755);
    expect(lstatSync(join(root, outside.slice(1), "sub/dir")).isDirectory()).toBe(true);
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("outside\n");
    expect(lstatSync(outside).isDirectory()).toBe(true);
    expect(() => lstatSync(join(outside, "app.conf"))).toThrow();
  });

  it("replaces a managed leaf that is a symlink instead of writing through it", () => {
    mkdirSync(join(root, "etc"));
    symlinkSync(join(outside, "secret"), join(root, "etc/app.conf"));
    symlinkSync(join(outside, "secret"), join(root, "etc/other.conf"));
    const fs = new NodeHostFs(root);
    expect(fs.stat("/etc/app.conf")?.kind).toBe("symlink");
    expect(fs.read("/etc/app.conf")).toBeNull();
    fs.writeAtomic("/etc/app.conf", Buffer.from("desired\n"), 0o644, -1, -1);
    expect(lstatSync(join(root, "etc/app.conf")).isFile()).toBe(true);
    fs.symlink("/etc/target", "/etc/other.conf");
    expect(readlinkSync(join(root, "etc/other.conf"))).toBe("/etc/target");
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("outside\n");
  });

  it("observes a symlink at a managed path as not a regular file, and never reads through it", async () => {
    mkdirSync(join(root, "etc/web"), { recursive: true });
    symlinkSync(join(outside, "secret"), join(root, "etc/web/app.conf"));
    symlinkSync("/../../outside/secret", join(root, "etc/web/up.conf"));
    const o = createHostObserver({ root });
    expect(await o.readFile("/etc/web/app.conf")).toBeNull();
    expect(await o.readHead("/etc/web/app.conf", 4)).toBeNull();
    expect(await o.readFile("/etc/web/up.conf")).toBeNull();
    symlinkSync(outside, join(root, "etc/out"));
    expect(await o.listDir("/etc/out")).toEqual([]);
  });
});
