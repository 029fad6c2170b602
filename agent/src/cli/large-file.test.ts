/**
 * Large rendered files through the real CLI (README.md "Large files", "State directory"):
 * - snapshots name contents by digest, the content store holds each content once (0600), and
 *   snapshots.json stays small whatever the files weigh;
 * - an observed file above 1 MiB is compared by digest: a converged re-apply writes nothing and reports no
 *   variance, a hand edit is drift that is restored, and the plan shows no text diff of it;
 * - a rendered file above 1 GiB is a typed layout error naming it (a sparse file: nothing is read).
 */
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { digestOf, hasObject, listObjects, objectsDirFor } from "../state/content-store.js";
import { readSnapshots, snapshotsPathFor } from "../state/snapshots.js";
import type { PlanView } from "../views/plan-view.js";
import type { ResultView } from "../views/result-view.js";
import { demoTree, Fixture } from "./test-support/cli-fixture.js";

const fixtures: Fixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

/** `mib` MiB of binary content that differs by `seed`. */
function blob(mib: number, seed: number): Buffer {
  const out = Buffer.alloc(mib << 20);
  for (let i = 0; i < out.length; i += 4096) out.writeUInt32BE((i ^ (seed * 2654435761)) >>> 0, i);
  return out;
}

const BIG = "services/web/config/etc/web/big.bin";

describe("large rendered files", () => {
  it("are stored once by digest, outside snapshots.json, and every revision rolls back from the store", () => {
    const f = new Fixture();
    fixtures.push(f);
    const big = blob(3, 1);
    const r1 = f.commit({ ...demoTree("1"), [BIG]: big }, "r1");
    expect(f.run(["init", f.repo, "main", "--state-file", f.stateFile]).status).toBe(0);
    expect(f.run(["apply", ...f.args()]).status).toBe(0);
    f.commit({ ...demoTree("2"), [BIG]: big }, "r2"); // same large content, another revision
    expect(f.run(["apply", ...f.args()]).status).toBe(0);
    const big3 = blob(3, 3);
    f.commit({ ...demoTree("3"), [BIG]: big3 }, "r3");
    expect(f.run(["apply", ...f.args()]).status).toBe(0);

    const objects = objectsDirFor(f.stateFile);
    expect(hasObject(objects, digestOf(big))).toBe(true);
    expect(hasObject(objects, digestOf(big3))).toBe(true);
    const snaps = readSnapshots(snapshotsPathFor(f.stateFile));
    expect(snaps.kind === "ok" && snaps.file.snapshots.length).toBe(3);
    // Three revisions, two distinct large contents: two large objects, each once.
    const large = listObjects(objects).filter((d) => d === digestOf(big) || d === digestOf(big3));
    expect(large).toHaveLength(2);
    expect(statSync(snapshotsPathFor(f.stateFile)).size).toBeLessThan(32 * 1024);

    const back = f.run(["apply", ...f.args(["--rollback-to", r1, "--json"])]);
    expect(back.status, back.stderr).toBe(0);
    expect(readFileSync(join(f.root, "etc/web/big.bin")).equals(big)).toBe(true);
  });

  it("an observed large file is compared by digest: no writes when equal, drift restored when edited", () => {
    const f = new Fixture();
    fixtures.push(f);
    const big = blob(2, 7);
    f.commit({ ...demoTree("1"), [BIG]: big }, "r1");
    expect(f.run(["init", f.repo, "main", "--state-file", f.stateFile]).status).toBe(0);
    expect(f.run(["apply", ...f.args()]).status).toBe(0);
    const again = JSON.parse(f.run(["apply", ...f.args(["--json"])]).stdout) as ResultView;
    expect(again.outcome).toBe("converged");
    expect(again.summary.writes).toBe(0);

    const edited = Buffer.from(big);
    const at = (1 << 20) + 5;
    edited.writeUInt8(edited.readUInt8(at) ^ 0xff, at);
    writeFileSync(join(f.root, "etc/web/big.bin"), edited);
    const plan = JSON.parse(
      f.run(["plan", "--json", "--root", f.root, "--state-file", f.stateFile, "--host", "h1"]).stdout,
    ) as PlanView;
    const entry = plan.entries.find((e) => e.object.display_id.endsWith("/etc/web/big.bin"));
    expect(entry?.action).toBe("update");
    const diff = JSON.stringify(entry);
    expect(diff).toContain(`large content ${digestOf(edited)}, ${edited.length} bytes`);
    expect(diff.length).toBeLessThan(64 * 1024);
    const fixed = JSON.parse(f.run(["apply", ...f.args(["--json"])]).stdout) as ResultView;
    expect(fixed.outcome).toBe("converged");
    expect(readFileSync(join(f.root, "etc/web/big.bin")).equals(big)).toBe(true);
  });

  it("a rendered file above 1 GiB is refused by name before anything is read (exit 65)", () => {
    const f = new Fixture();
    fixtures.push(f);
    const repo = join(f.dir, "plain");
    for (const [rel, text] of Object.entries(demoTree("1"))) {
      mkdirSync(join(repo, rel, ".."), { recursive: true });
      writeFileSync(join(repo, rel), text);
    }
    const huge = join(repo, "services/web/config/etc/web/huge.bin");
    const fd = openSync(huge, "w");
    ftruncateSync(fd, 2 ** 30 + 1); // sparse: takes no space, reads as zeros
    closeSync(fd);
    const r = f.run(["plan", "--source-repo", repo, "--host", "h1", "--root", f.root]);
    expect(r.status, r.stderr).toBe(65);
    expect(r.stderr).toContain("error[file_too_large]: services/web/config/etc/web/huge.bin");
    expect(r.stderr).toContain("1073741825 bytes");
    expect(r.stderr).toContain("hint:");
  });
});
