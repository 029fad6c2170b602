import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ARTIFACT_PROFILES } from "../scenario/profiles.js";
import { guestEvidenceWanted } from "./artifact-selection.js";
import { inputPlacements, placeInputs } from "./guest-inputs.js";
import { bootFinished } from "./readiness-checks.js";

const repos = mkdtempSync(join(tmpdir(), "inputs-"));
afterAll(() => rmSync(repos, { recursive: true, force: true }));

describe("config_inputs and test_data placements", () => {
  it("uploads every file below the named paths, keeping relative paths and the executable bit", async () => {
    mkdirSync(join(repos, "data", "nested"), { recursive: true });
    writeFileSync(join(repos, "data", "b.txt"), "b");
    writeFileSync(join(repos, "data", "nested", "run.sh"), "#!/bin/sh\n");
    chmodSync(join(repos, "data", "nested", "run.sh"), 0o755);
    writeFileSync(join(repos, "site.env"), "A=1\n");
    const placements = inputPlacements(repos, {
      repo_fixture: "x",
      revision_under_test: "v1",
      config_inputs: ["site.env"],
      test_data: ["data"],
    });
    expect(placements.map((p) => [p.guestPath, p.mode.toString(8)])).toEqual([
      ["/var/lib/core-ops-verify/config-inputs/site.env", "644"],
      ["/var/lib/core-ops-verify/test-data/data/b.txt", "644"],
      ["/var/lib/core-ops-verify/test-data/data/nested/run.sh", "755"],
    ]);
    const uploaded: string[] = [];
    await placeInputs(async (host, guest) => {
      uploaded.push(`${host.slice(repos.length)} → ${guest}`);
    }, placements);
    expect(uploaded[0]).toBe("/site.env → /var/lib/core-ops-verify/config-inputs/site.env");
    expect(uploaded).toHaveLength(3);
  });

  it("fails on a path that does not exist (the loader reports it first)", () => {
    expect(() =>
      inputPlacements(repos, {
        repo_fixture: "x",
        revision_under_test: "v1",
        config_inputs: ["nope"],
        test_data: [],
      }),
    ).toThrow(/ENOENT/);
  });
});

describe("ssh-ready readiness check", () => {
  it("counts running and degraded as a finished boot, nothing else", () => {
    expect(bootFinished("running\n")).toEqual({ ok: true, state: "running" });
    expect(bootFinished("degraded\n").ok).toBe(true);
    expect(bootFinished("starting\n")).toEqual({ ok: false, state: "starting" });
    expect(bootFinished("")).toEqual({ ok: false, state: "(no output)" });
  });
});

describe("always_collect and collect_on_failure", () => {
  const standard = ARTIFACT_PROFILES.standard;
  it("collects guest evidence on a pass only when always_collect names it", () => {
    expect(guestEvidenceWanted(standard, true)).toBe(false);
    expect(guestEvidenceWanted(standard, false)).toBe(true);
    expect(guestEvidenceWanted({ ...standard, alwaysCollect: ["journal-excerpts"] }, true)).toBe(true);
    expect(guestEvidenceWanted({ ...standard, collectOnFailure: [] }, false)).toBe(false);
  });
});
