/**
 * The offline-root (`--root`) execution: files written, enablement as symlinks, files verified, no systemctl.
 */
import { describe, expect, it } from "vitest";
import { OfflineSystemd } from "../effects/offline-systemd.js";
import { executePlan } from "./executor.js";
import type { InstallInfo } from "./ports.js";
import { file, obj, opts, rootFs, U } from "./test-support/executor-doubles.js";

describe("offline root", () => {
  it("in --root mode writes files, enables through symlinks, verifies files and calls no systemctl", async () => {
    const fs = rootFs();
    const sd = new OfflineSystemd(fs, U);
    const install: InstallInfo = { wantedBy: ["multi-user.target"], requiredBy: [], alias: [], also: [] };
    const objects = [
      obj({
        id: "service/a.service",
        kind: "generated_unit",
        unit: "a.service",
        action: "create",
        install,
        files: [file(`${U}/a.service`, "[Service]\n")],
      }),
    ];
    const res = await executePlan(objects, { systemd: sd, fs, dryRun: null }, opts);
    expect(res.convergence).toMatchObject({ status: "success", basis: "files" });
    expect(fs.readlink(`${U}/multi-user.target.wants/a.service`)).toBe(`${U}/a.service`);
    const writes = fs.writes;
    const again = await executePlan(
      objects.map((o) => ({ ...o, action: "no_op" as const })),
      { systemd: sd, fs, dryRun: null },
      opts,
    );
    expect(fs.writes).toBe(writes);
    expect(again.changed).toBe(false);
  });
});
