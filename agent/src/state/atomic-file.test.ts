import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isCoreOpsTempFile, tempPathFor, writeFileAtomic } from "./atomic-file.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("creates parents, sets the exact mode despite the umask, replaces content and leaves no temp file", () => {
    const d = mkdtempSync(join(tmpdir(), "core-ops-atomic-"));
    dirs.push(d);
    const target = join(d, "a", "b", "file.conf");
    const old = process.umask(0o077);
    try {
      writeFileAtomic(target, "one\n", { mode: 0o644 });
    } finally {
      process.umask(old);
    }
    expect(statSync(target).mode & 0o777).toBe(0o644);
    writeFileSync(join(d, "a", "b", "keep"), "x");
    writeFileAtomic(target, Buffer.from("two\n"), { mode: 0o600 });
    expect(readFileSync(target, "utf8")).toBe("two\n");
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(d, "a", "b")).sort()).toEqual(["file.conf", "keep"]);
  });

  it("names temp files recognisably", () => {
    const t = tempPathFor("/etc/x/app.conf");
    expect(t.startsWith("/etc/x/.app.conf.core-ops-tmp-")).toBe(true);
    expect(isCoreOpsTempFile(t.slice("/etc/x/".length))).toBe(true);
    expect(isCoreOpsTempFile("app.conf")).toBe(false);
  });
});
