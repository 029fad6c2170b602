import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  collectGarbage,
  digestOf,
  listObjects,
  objectPath,
  objectsDirFor,
  putObject,
  readObject,
} from "./content-store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), "core-ops-store-"));
  dirs.push(d);
  return d;
}

describe("content store", () => {
  it("stores each content once by its sha256, 0600, and reads it back", () => {
    const d = stateDir();
    const objects = objectsDirFor(join(d, "status.json"));
    expect(objects).toBe(join(d, "objects"));
    const bytes = Buffer.from([0, 1, 2, 255]);
    const digest = putObject(objects, bytes);
    expect(digest).toBe(digestOf(bytes));
    expect(putObject(objects, Buffer.from(bytes))).toBe(digest);
    expect(listObjects(objects)).toEqual([digest]);
    const path = objectPath(objects, digest);
    expect(path).toBe(join(objects, digest.slice(7, 9), digest.slice(9)));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readObject(objects, digest).equals(bytes)).toBe(true);
  });

  it("refuses a missing or damaged object with a typed error naming it", () => {
    const d = stateDir();
    const objects = join(d, "objects");
    const digest = putObject(objects, Buffer.from("hello\n"));
    writeFileSync(objectPath(objects, digest), "jello\n");
    expect(() => readObject(objects, digest)).toThrow(/is damaged/);
    rmSync(objectPath(objects, digest));
    expect(() => readObject(objects, digest)).toThrow(/is missing/);
  });

  it("collects what no snapshot names and interrupted temp files; never touches anything else", () => {
    const d = stateDir();
    const objects = join(d, "objects");
    const keep = putObject(objects, Buffer.from("keep"));
    const drop = putObject(objects, Buffer.from("drop"));
    const debris = join(dirname(objectPath(objects, keep)), ".x.core-ops-tmp-1-1");
    writeFileSync(debris, "partial");
    const foreign = join(dirname(objectPath(objects, keep)), "README");
    writeFileSync(foreign, "not ours");
    mkdirSync(join(d, "backup"));
    writeFileSync(join(d, "backup", "etc-app.conf"), "saved bytes");
    expect(collectGarbage(objects, new Set([keep]))).toEqual({ removed: 1, kept: 1 });
    expect(listObjects(objects)).toEqual([keep]);
    expect(readdirSync(dirname(objectPath(objects, keep))).sort()).toEqual(
      ["README", objectPath(objects, keep).split("/").pop()].sort(),
    );
    expect(readdirSync(join(d, "backup"))).toEqual(["etc-app.conf"]);
    expect(() => statSync(dirname(objectPath(objects, drop)))).toThrow(); // emptied fan-out dir removed
    expect(collectGarbage(join(d, "nope"), new Set())).toEqual({ removed: 0, kept: 0 });
  });
});
