/**
 * Hostile repositories through the BUILT CLI (a real process): inputs that used to end in "internal error"
 * and a stack trace now end in a typed error naming the file (and line), exit 65.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuiltCli } from "./test-support/run-built-cli.js";

const DEMO = join(import.meta.dirname, "..", "..", "..", "repos", "layered-demo", "v1");
let work: string;
let n = 0;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "core-ops-hostile-"));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function demoCopy(): string {
  const repo = join(work, `repo-${n++}`);
  cpSync(DEMO, repo, { recursive: true });
  return repo;
}

const plan = (repo: string) =>
  runBuiltCli(["plan", "--source-repo", repo, "--host", "demo-uat", "--root", join(work, "root")]);

/** Creates a file whose name ends in the given bytes (not valid UTF-8) below `dir`. */
function rawName(dir: string, bytes: number[], suffix = ""): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(bytes), Buffer.from(suffix)]), "x\n");
}

describe("file names that are not UTF-8", () => {
  it.each([
    ["a companion position", "services/frontend", "services/frontend/\\xff\\xfe.txt"],
    ["the hosts directory", "hosts", "hosts/\\xff\\xfe.txt"],
    ["the repository root", "", "\\xff\\xfe.txt"],
    [
      "deep in a config tree",
      "services/frontend/config/etc/frontend/sub",
      "services/frontend/config/etc/frontend/sub/\\xff\\xfe.txt",
    ],
    ["an unselected service", "services/immich", "services/immich/\\xff\\xfe.txt"],
  ])("in %s: exit 65 naming the file with its bytes escaped", async (_, dir, shown) => {
    const repo = demoCopy();
    rawName(join(repo, dir), [0xff, 0xfe], ".txt");
    const r = await plan(repo);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(
      `error[file_name_not_utf8]: ${shown}: file name '${shown}' is not valid UTF-8`,
    );
  });

  it("keeps valid UTF-8 names (and U+FFFD itself) as they are", async () => {
    const repo = demoCopy();
    writeFileSync(join(repo, "NOTES-é-\ufffd.md"), "notes\n");
    const r = await plan(repo);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("YAML alias bomb in host.yaml", () => {
  it("exit 65 naming the file and the line of the first alias", async () => {
    const repo = demoCopy();
    const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i <= 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(",")}]`,
      );
    writeFileSync(
      join(repo, "hosts/demo-uat/host.yaml"),
      `${lines.join("\n")}\nhost: demo-uat\nservices: *a9\n`,
    );
    const r = await plan(repo);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(
      /^error\[host_file_yaml\]: hosts\/demo-uat\/host\.yaml:2: YAML aliases cannot be expanded/,
    );
  });
});
