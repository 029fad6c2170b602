import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { VMS_PER_CORE, verifyJobs } from "./jobs.js";
import { peekScenarioId, scenarioModule, scenarioPlugin } from "./plugin.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("scenario plugin", () => {
  it("turns a YAML file into one defineScenarioTest call named by scenario_id", () => {
    const code = scenarioModule("/s/x.yaml", "scenario_id: verify-x\n", "/rt");
    expect(code).toBe(
      'import { defineScenarioTest } from "/rt";\ndefineScenarioTest("/s/x.yaml", "verify-x");\n',
    );
    expect(peekScenarioId("scenario_id: [broken")).toBeUndefined();
  });

  it("leaves other modules alone", () => {
    const plugin = scenarioPlugin();
    expect(plugin.transform("export {}", "/a/b.ts")).toBeNull();
    expect(plugin.transform("scenario_id: a\n", "/a/b.yaml?import")?.code).toContain('"/a/b.yaml"');
  });

  it("queues VMS_PER_CORE VMs per core as memory permits, unless CORE_OPS_VERIFY_JOBS says otherwise", () => {
    const plenty = 64 * 1024;
    expect(verifyJobs({}, 2, plenty)).toBe(Math.round(2 * VMS_PER_CORE));
    expect(verifyJobs({}, 8, plenty)).toBe(Math.round(8 * VMS_PER_CORE));
    // Half of the available memory for guests: 6 GiB available → two guests, whatever the cores.
    expect(verifyJobs({}, 8, 6 * 1024)).toBe(2);
    expect(verifyJobs({}, 8, 512)).toBe(1);
    expect(verifyJobs({ CORE_OPS_VERIFY_JOBS: "3" }, 2, 512)).toBe(3);
    expect(() => verifyJobs({ CORE_OPS_VERIFY_JOBS: "0" }, 2)).toThrow(/positive integer/);
  });

  it("runs under Vitest: one test per YAML, -t by scenario id, a bad scenario fails with file:line", async () => {
    const d = await mkdtemp(join(tmpdir(), "coreops-plugin-"));
    dirs.push(d);
    const good = await readFile(join(ROOT, "scenarios", "designed-timeout.yaml"), "utf8");
    await writeFile(join(d, "good.yaml"), good);
    await writeFile(join(d, "other.yaml"), good.replace("verify-timeout-classification", "verify-other"));
    await writeFile(
      join(d, "bad.yaml"),
      good
        .replace("verify-timeout-classification", "verify-bad")
        .replace("target: sleep-too-long", "target: nope"),
    );
    // A guest that prints its Ignition config and host key, and a failing assertion quoting a secret.
    await writeFile(
      join(d, "secret.yaml"),
      (
        await readFile(join(ROOT, "harness", "test-fixtures", "scenarios", "secret-dump.yaml"), "utf8")
      ).replace("source: candidate", "source: accepted"),
    );
    // A candidate in the corpus is a failing test that says so, and never runs.
    await writeFile(
      join(d, "candidate.yaml"),
      good
        .replace("verify-timeout-classification", "verify-candidate")
        .replace("source: accepted", "source: candidate"),
    );
    await writeFile(
      join(d, "vitest.config.mjs"),
      `import { scenarioPlugin } from ${JSON.stringify(join(ROOT, "harness", "src", "vitest", "plugin.ts"))};
export default { plugins: [scenarioPlugin()], test: { root: ${JSON.stringify(d)}, include: ["*.yaml"], globalSetup: [${JSON.stringify(join(ROOT, "harness", "src", "vitest", "global-setup.ts"))}] } };\n`,
    );
    const r = await execa(
      "npx",
      [
        "vitest",
        "run",
        "--config",
        join(d, "vitest.config.mjs"),
        "-t",
        "verify-(timeout|bad|secret-dump|candidate)",
        "--reporter=json",
        "--reporter=verbose",
        "--outputFile",
        join(d, "out.json"),
      ],
      {
        cwd: ROOT,
        reject: false,
        env: {
          CORE_OPS_VERIFY_SYNTHETIC: "1",
          CORE_OPS_VERIFY_ARTIFACTS_DIR: join(d, "artifacts"),
          CORE_OPS_VERIFY_WORKSPACE: join(d, "ws"),
        },
      },
    );
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(await readFile(join(d, "out.json"), "utf8")) as {
      testResults: {
        name: string;
        assertionResults: {
          title: string;
          status: string;
          failureMessages: string[];
          meta?: { coreops?: { outcome: string } };
        }[];
      }[];
    };
    const byTitle = new Map(
      report.testResults.flatMap((f) => f.assertionResults.map((a) => [a.title, a] as const)),
    );
    expect(byTitle.get("verify-timeout-classification")?.status).toBe("passed");
    expect(byTitle.get("verify-timeout-classification")?.meta?.coreops?.outcome).toBe("passed");
    expect(byTitle.get("verify-other")?.status).toBe("skipped");
    expect(byTitle.get("verify-bad")?.status).toBe("failed");
    expect(byTitle.get("verify-bad")?.failureMessages[0]).toMatch(
      /bad\.yaml:\d+:\d+ assertions\[0\]\.target: names step "nope"/,
    );
    const candidate = byTitle.get("verify-candidate");
    expect(candidate?.status).toBe("failed");
    expect(candidate?.failureMessages[0]).toMatch(
      /not run: .*candidate\.yaml:\d+:1 source: scenario verify-candidate is a candidate .*the accepted corpus runs only source: accepted/,
    );
    expect(candidate?.meta?.coreops).toBeUndefined();
    // The failure message and the annotations printed by the reporter show no secret (public keys stay).
    const secretFailure = byTitle.get("verify-secret-dump")?.failureMessages[0] ?? "";
    expect(secretFailure).toMatch(/host-key-payload — .*\[REDACTED\]/);
    const longBase64 = /[A-Za-z0-9+/]{60,}/;
    const withoutPublicKeys = (text: string) => text.replace(/ssh-ed25519 [A-Za-z0-9+/=]+/g, "");
    expect(withoutPublicKeys(secretFailure)).not.toMatch(longBase64);
    expect(r.stdout).toContain("step dump-host-key: passed");
    expect(withoutPublicKeys(r.stdout)).not.toMatch(longBase64);
  }, 120_000);
});
