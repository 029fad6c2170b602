import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { ScenarioBundlesSchema } from "../run/scenario-bundles.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const BIN = join(ROOT, "harness", "bin", "core-ops-verify.js");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function verify(args: string[]) {
  const d = await mkdtemp(join(tmpdir(), "coreops-cli-"));
  dirs.push(d);
  return execa(
    "node",
    [BIN, "run", ...args, "--artifacts-dir", join(d, "a"), "--workspace-root", join(d, "w")],
    {
      cwd: ROOT,
      reject: false,
    },
  );
}

describe("core-ops-verify run", () => {
  it("keeps --synthetic out of the help", async () => {
    const r = await execa("node", [BIN, "run", "--help"], { reject: false });
    expect(r.stdout).toContain("--accepted-dir");
    expect(r.stdout).not.toContain("synthetic");
  });

  it("refuses --synthetic with --ci and wrong flag combinations (exit 2)", async () => {
    const ci = await verify(["--scenario", "scenarios/minimal-accepted.yaml", "--synthetic", "--ci"]);
    expect(ci.exitCode).toBe(2);
    expect(ci.stderr).toContain("--synthetic is internal test support and is refused with --ci");
    expect((await verify(["--synthetic"])).stderr).toContain("exactly one of --scenario");
    expect((await verify(["--scenario", "x.yaml", "--pause-before-teardown"])).stderr).toContain(
      "needs --debug",
    );
  });

  it("--json prints exactly one verification_run document and exits 0 only for passed", async () => {
    const r = await verify(["--scenario", "scenarios/minimal-accepted.yaml", "--synthetic", "--json"]);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      view_kind: string;
      overall_outcome: string;
      readiness_evidence: unknown;
    };
    expect(doc).toMatchObject({ view_kind: "verification_run", overall_outcome: "passed" });
    expect(r.stdout).not.toContain("synthetic-token");
    expect(r.stderr).toContain("--synthetic");
  });

  it("shows no secret the guest printed, on --json stdout or in the human summary", async () => {
    const scenario = "harness/test-fixtures/scenarios/secret-dump.yaml";
    // Long base64 runs are what a key, a data URL or an encoded config looks like (commit ids are 40 hex);
    // public keys, also as the data URL of the .pub file ("ssh-ed25519 " is c3NoLWVkMjU1MTkg), stay, and so do
    // the image identity's sha256:<64 hex> digests.
    const withoutPublicKeys = (text: string) =>
      text
        .replace(/ssh-ed25519 [A-Za-z0-9+/=]+/g, "")
        .replace(/c3NoLWVkMjU1MTkg[A-Za-z0-9+/=]+/g, "")
        .replace(/sha256:[0-9a-f]{64}/g, "");
    const longBase64 = /[A-Za-z0-9+/]{60,}/;
    const json = await verify(["--scenario", scenario, "--synthetic", "--json"]);
    expect(json.exitCode).toBe(1);
    const doc = JSON.parse(json.stdout) as { step_results: { step_id: string; stdout: string }[] };
    const [config, key] = doc.step_results;
    expect(config?.stdout).toContain('"source": "data:;base64,[REDACTED]"');
    expect(key?.stdout).toBe("[REDACTED]\n");
    expect(withoutPublicKeys(json.stdout)).not.toMatch(longBase64);
    const human = await verify(["--scenario", scenario, "--synthetic"]);
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toMatch(/host-key-payload — .*\[REDACTED\]/);
    expect(withoutPublicKeys(human.stdout)).not.toMatch(longBase64);
  });

  it("runs a corpus narrowed by --scenario-id and names an unknown id", async () => {
    const r = await verify([
      "--accepted-dir",
      "scenarios",
      "--scenario-id",
      "verify-timeout-classification",
      "--synthetic",
      "--json",
    ]);
    const doc = JSON.parse(r.stdout) as {
      revision_selection_basis: string;
      scenario_outcomes: { scenario_id: string }[];
    };
    expect(doc.revision_selection_basis).toBe("accepted_corpus");
    expect(doc.scenario_outcomes.map((s) => s.scenario_id)).toEqual(["verify-timeout-classification"]);
    const bad = await verify(["--accepted-dir", "scenarios", "--scenario-id", "nope", "--synthetic"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/unknown --scenario-id nope .* known: verify-/);
  });

  it("a corpus run writes scenario-bundles.json and records the image and binary identity", async () => {
    const ids = ["verify-timeout-classification", "verify-idempotent-frontend"];
    const r = await verify([
      "--accepted-dir",
      "scenarios",
      ...ids.flatMap((id) => ["--scenario-id", id]),
      "--jobs",
      "2",
      "--synthetic",
      "--json",
    ]);
    const doc = JSON.parse(r.stdout) as {
      scenario_bundles_path: string;
      guest_image: { name: string; package_set_digest: string };
      scenario_outcomes: {
        scenario_id: string;
        outcome: string;
        bundle_path: string;
        guest_image: unknown;
      }[];
    };
    expect(doc.guest_image).toMatchObject({ name: "synthetic" });
    const index = ScenarioBundlesSchema.parse(JSON.parse(await readFile(doc.scenario_bundles_path, "utf8")));
    expect(index.map((e) => e.scenario_id)).toEqual(doc.scenario_outcomes.map((s) => s.scenario_id));
    expect(index.map((e) => [e.bundle_path, e.outcome])).toEqual(
      doc.scenario_outcomes.map((s) => [s.bundle_path, s.outcome]),
    );
    for (const s of doc.scenario_outcomes) {
      expect(s.guest_image).toEqual(doc.guest_image);
      const manifest = JSON.parse(await readFile(join(s.bundle_path, "manifest.json"), "utf8")) as {
        guest_image: unknown;
      };
      expect(manifest.guest_image).toEqual(doc.guest_image);
    }
    expect((await verify(["--accepted-dir", "scenarios", "--jobs", "0", "--synthetic"])).stderr).toContain(
      "--jobs must be a positive integer",
    );
  });

  it("an invalid scenario is a usage error naming file and line", async () => {
    const r = await verify(["--scenario", "harness/test-fixtures/scenarios/invalid.yaml", "--synthetic"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/invalid\.yaml:\d+:\d+ steps\[0\]\.step_type: must be one of/);
  });
});
