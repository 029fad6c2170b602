import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDesiredState } from "../desired/load.js";
import { objectsDirFor, putObject } from "./content-store.js";
import { fromSnapshot, toDesiredSnapshot } from "./snapshot-desired.js";
import { findRollbackTarget, retainSnapshot, snapshotsPathFor } from "./snapshots.js";

const dir = mkdtempSync(join(tmpdir(), "core-ops-snapdesired-"));
const repo = join(dir, "repo");
function put(rel: string, text: string | Buffer): void {
  mkdirSync(dirname(join(repo, rel)), { recursive: true });
  writeFileSync(join(repo, rel), text);
}
put("services/web/web.container", "[Container]\nImage=localhost/web:1\n");
put("services/web/web.container.d/10-env.conf", "[Container]\nEnvironment=A=1\n");
put("services/web/config/etc/web/app.conf", Buffer.from([0x61, 0x00, 0xff, 0x0a]));
put("hosts/demo-uat/host.yaml", "host: demo-uat\nservices: [web]\n");
put("hosts/demo-uat/overrides/web.container.d/20-host.conf", "[Container]\nEnvironment=B=2\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("desired state snapshots", () => {
  it("round-trip a layered repository through snapshots.json byte for byte", async () => {
    const desired = await loadDesiredState(repo, "demo-uat", {
      kind: "git",
      repository: "file:///r",
      requestedRef: "v2",
      revision: "a".repeat(40),
    });
    expect(desired.units.length).toBeGreaterThan(0);
    const path = snapshotsPathFor(join(dir, "status.json"));
    const objects = objectsDirFor(join(dir, "status.json"));
    retainSnapshot(
      path,
      {
        revision: "a".repeat(40),
        host: "demo-uat",
        repository: "file:///r",
        requested_ref: "v2",
        applied_at: "2026-11-29T10:00:00Z",
        desired: toDesiredSnapshot(desired, (b) => putObject(objects, b)),
      },
      objects,
    );
    const { snapshot, content } = findRollbackTarget(path, "aaaaaaa", "demo-uat");
    const back = fromSnapshot(snapshot, content);
    expect({ ...back, source: null }).toEqual({ ...desired, source: null });
    expect(back.source).toMatchObject({ kind: "git", revision: "a".repeat(40), requestedRef: "v2" });
    for (const [i, c] of desired.configs.entries())
      expect(back.configs[i]?.content.equals(c.content)).toBe(true);
  });
});
