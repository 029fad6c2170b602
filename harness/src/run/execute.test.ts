import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BundleManifestSchema } from "../bundle/manifest.js";
import { buildIgnitionConfig, renderIgnitionConfig } from "../ignition/config.js";
import type { RunSecrets } from "../ignition/run-secrets.js";
import type { MachineSpec } from "../machine.js";
import { loadScenarioFile, parseScenario } from "../scenario/loader.js";
import { REDACTED_DATA_URL } from "../secrets/ignition.js";
import { leakedSecrets, secretForms } from "../secrets/test-support/leaks.js";
import type { StepResult } from "../steps/result.js";
import { executeScenario } from "./execute.js";
import { renderRun } from "./render-human.js";
import { type SyntheticMachine, syntheticHypervisor } from "./synthetic.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(
  file: string,
  synthetic: Parameters<typeof syntheticHypervisor>[0] & {
    agentBinary?: string;
    onStep?: (r: StepResult) => void;
    beforeTeardown?: () => Promise<void>;
    retain?: boolean;
  } = {},
  text?: string,
) {
  const d = await mkdtemp(join(tmpdir(), "coreops-exec-"));
  dirs.push(d);
  const created: SyntheticMachine[] = [];
  const loaded =
    text === undefined ? await loadScenarioFile(join(ROOT, "scenarios", file)) : parseScenario(text, file);
  const result = await executeScenario({
    loaded,
    hypervisor: syntheticHypervisor({ ...synthetic, created }),
    repoRoot: ROOT,
    workspaceRoot: join(d, "ws"),
    artifactsDir: join(d, "artifacts"),
    agentBinary: synthetic.agentBinary ?? process.execPath,
    mode: "local",
    onStep: synthetic.onStep,
    beforeTeardown: synthetic.beforeTeardown,
    retain: synthetic.retain,
  });
  return { result, created, bundle: result.bundle.bundle_path };
}

describe("scenario executor on the synthetic machine", () => {
  it("runs the minimal scenario to a pass and writes a complete bundle", async () => {
    const { result, created, bundle } = await run("minimal-accepted.yaml");
    expect(result.classification.outcome).toBe("passed");
    expect(result.assertions.map((a) => a.status)).toEqual(result.assertions.map(() => "passed"));
    expect(created).toHaveLength(1);
    expect(created[0]?.destroyed).toBe(true);
    const manifest = BundleManifestSchema.parse(
      JSON.parse(await readFile(join(bundle, "manifest.json"), "utf8")),
    );
    expect(manifest.collection_status).toBe("complete");
    const names = manifest.manifest_entries.map((e) => e.relative_path);
    for (const f of [
      "scenario-definition.txt",
      "harness-log.txt",
      "console-log.txt",
      "coreops-output.txt",
      "assertion-results.json",
      "readiness-evidence.json",
      "timeline.json",
      "rendered-ignition.ign",
      "regression-summary.txt",
    ]) {
      expect(names).toContain(f);
    }
    expect(names).not.toContain("failure-summary.txt");
    const timeline = JSON.parse(await readFile(join(bundle, "timeline.json"), "utf8")) as {
      phases: { kind: string; name: string }[];
    };
    expect(timeline.phases.map((p) => p.kind)).toEqual(
      expect.arrayContaining([
        "fixtures",
        "provision",
        "boot",
        "readiness",
        "step",
        "assertions",
        "evidence",
        "teardown",
      ]),
    );
    expect(timeline.phases.filter((p) => p.kind === "step").map((p) => p.name)).toEqual([
      "step:init-v1",
      "step:apply-v1",
      "step:reapply-v1",
      "step:plan-after",
    ]);
  });

  it("redacts the readiness token in every bundle file", async () => {
    const { result, bundle } = await run("minimal-accepted.yaml");
    const token = result.readiness?.accepted[0]?.token ?? "";
    expect(token).not.toBe("");
    for (const f of ["console-log.txt", "readiness-evidence.json", "verification-run.json"]) {
      const text = await readFile(join(bundle, f), "utf8");
      expect(text).not.toContain(token);
      expect(text).toContain("[REDACTED]");
    }
  });

  it("classes a designed timeout as designed and skips the rest", async () => {
    const { result, bundle } = await run("designed-timeout.yaml");
    expect(result.classification).toMatchObject({ observed: "timeout", outcome: "passed" });
    expect(result.steps.map((s) => s.status)).toEqual(["timed_out", "skipped"]);
    expect(result.warnings).toContain("expected scenario outcome timeout observed as designed");
    expect(await readFile(join(bundle, "failure-summary.txt"), "utf8")).toMatch(/^passed: designed failure/);
  });

  it("classes a missing guest command as infrastructure failure and collects failure evidence", async () => {
    const { result, bundle } = await run("designed-infrastructure-failure.yaml");
    expect(result.classification).toMatchObject({ observed: "infrastructure_failure", outcome: "passed" });
    expect(result.steps[0]).toMatchObject({ exit_code: 127, status: "failed", fault: "infrastructure" });
    const manifest = JSON.parse(await readFile(join(bundle, "manifest.json"), "utf8")) as {
      failure_specific_entries: string[];
    };
    expect(manifest.failure_specific_entries).toEqual(
      expect.arrayContaining([
        "failure-summary",
        "guest-journal",
        "systemctl-failed",
        "coreops-status",
        "managed-dirs",
      ]),
    );
  });

  it("retries an infrastructure failure at bring-up once and says so", async () => {
    const { result, created } = await run("minimal-accepted.yaml", { failStarts: 1 });
    expect(result.classification.outcome).toBe("passed");
    expect(created).toHaveLength(2);
    expect(created.every((m) => m.destroyed)).toBe(true);
    expect(result.warnings[0]).toMatch(/^bring-up retried once after an infrastructure failure/);
    // The failed attempt's machine is gone; its console is evidence of why, and the bundle keeps it.
    expect(result.warnings[0]).toContain("in the bundle as console-log-attempt-1.txt");
    const kept = await readFile(join(result.bundle.bundle_path, "console-log-attempt-1.txt"), "utf8");
    expect(kept).toContain("synthetic failure: synthetic: domain failed to start (injected)");
    expect(await readFile(join(result.bundle.bundle_path, "console-log.txt"), "utf8")).not.toContain(
      "synthetic failure",
    );
  });

  it("names the retried guest's own run id in how to remove a guest kept for debugging", async () => {
    const { result, created } = await run("minimal-accepted.yaml", { failStarts: 1, retain: true });
    const kept = created[1];
    expect(kept?.runId).toBe(`${result.runId}-r2`);
    expect(kept?.destroyed).toBe(false);
    expect(result.access?.destroy).toBe(`core-ops-verify machine destroy ${result.runId}-r2`);
    expect(renderRun(result)).toContain(
      `remove it with: core-ops-verify machine destroy ${result.runId}-r2\n`,
    );
  });

  it("does not retry a second bring-up failure and tears the guest down", async () => {
    const { result, created } = await run("minimal-accepted.yaml", { failStarts: 2 });
    expect(result.classification.outcome).toBe("infrastructure_failure");
    expect(result.assertions.every((a) => a.status === "not_evaluated")).toBe(true);
    expect(created.map((m) => m.destroyed)).toEqual([true, true]);
  });

  it("does not retry a bug at bring-up as an infrastructure failure: a TypeError is a harness error", async () => {
    const { result, created } = await run("minimal-accepted.yaml", {
      failStarts: 1,
      startError: () => new TypeError("cannot read properties of undefined (reading 'domain')"),
    });
    expect(created).toHaveLength(1);
    expect(result.classification.outcome).toBe("harness_error");
    expect(result.classification.summary).toContain("cannot read properties of undefined");
    expect(result.warnings.filter((w) => w.startsWith("bring-up retried"))).toEqual([]);
    expect(created[0]?.destroyed).toBe(true);
  });

  it("fails a run whose console shows a kernel panic, even when assertions pass", async () => {
    const { result } = await run("minimal-accepted.yaml", {
      consoleLines: ["Kernel panic - not syncing: test"],
    });
    expect(result.classification.outcome).toBe("infrastructure_failure");
    expect(result.findings[0]?.check).toBe("kernel-panic");
  });

  it("reports a failed claim as assertion_failure with the failure message", async () => {
    const text = (await readFile(join(ROOT, "scenarios", "minimal-accepted.yaml"), "utf8")).replace(
      "content_contains: frontend v1",
      "content_contains: frontend v9\n    failure_message: the page was not rendered",
    );
    const { result, bundle } = await run("broken.yaml", {}, text);
    expect(result.classification.outcome).toBe("assertion_failure");
    const failed = result.assertions.filter((a) => a.status === "failed");
    expect(failed.map((a) => a.assertion_id)).toEqual(["config-rendered"]);
    expect(failed[0]?.message).toBe("the page was not rendered");
    expect(await readFile(join(bundle, "failure-summary.txt"), "utf8")).toContain("config-rendered");
  });

  it("runs the plan itself for no_pending_changes when the named step is not a plan", async () => {
    const text = (await readFile(join(ROOT, "scenarios", "minimal-accepted.yaml"), "utf8")).replace(
      "    target: plan-after\n",
      "    target: reapply-v1\n",
    );
    const { result, created } = await run("np.yaml", {}, text);
    expect(result.classification.outcome).toBe("passed");
    expect(created[0]?.commands.filter((c) => c.endsWith("plan --host verify-host --json"))).toHaveLength(2);
  });

  it("fails a scenario that runs core-ops without a binary as infrastructure, before any VM", async () => {
    const { result, created } = await run("minimal-accepted.yaml", { agentBinary: "/nonexistent/core-ops" });
    expect(result.classification.outcome).toBe("infrastructure_failure");
    expect(result.classification.summary).toContain("the agent binary /nonexistent/core-ops does not exist");
    expect(created).toHaveLength(0);
  });

  it("tears the guest down even when the pause before teardown throws", async () => {
    const created: SyntheticMachine[] = [];
    const d = await mkdtemp(join(tmpdir(), "coreops-exec-"));
    dirs.push(d);
    const pause = executeScenario({
      loaded: await loadScenarioFile(join(ROOT, "scenarios", "designed-timeout.yaml")),
      hypervisor: syntheticHypervisor({ created }),
      repoRoot: ROOT,
      workspaceRoot: join(d, "ws"),
      artifactsDir: join(d, "artifacts"),
      agentBinary: process.execPath,
      mode: "debug",
      beforeTeardown: async () => {
        throw new Error("the operator's terminal went away");
      },
    });
    await expect(pause).rejects.toThrow("the operator's terminal went away");
    expect(created.map((m) => m.destroyed)).toEqual([true]);
  });

  it("runs a scenario without core-ops steps without the agent binary", async () => {
    const { result, created } = await run("designed-timeout.yaml", { agentBinary: "/nonexistent/core-ops" });
    expect(result.classification.outcome).toBe("passed");
    expect(created[0]?.spec.deliveries.map((d) => d.name)).toEqual(["fixture-repo"]);
  });
});

describe("no run secret leaves through the bundle or the step reports", () => {
  const fixture = join(ROOT, "harness", "test-fixtures", "scenarios", "secret-dump.yaml");

  async function bundleTexts(bundle: string): Promise<Map<string, string>> {
    const names = (await readdir(bundle)).sort();
    return new Map(
      await Promise.all(names.map(async (n) => [n, await readFile(join(bundle, n), "utf8")] as const)),
    );
  }

  it("redacts every form on a console of a guest that never became ready", async () => {
    const { result, created, bundle } = await run("minimal-accepted.yaml", {
      neverReady: true,
      consoleLines: (spec) => secretForms(spec.secrets, configOf(spec)),
    });
    expect(result.classification.outcome).toBe("timeout");
    expect(result.readiness?.final_status).toBe("timed_out");
    const secrets = created[0]?.spec.secrets as RunSecrets;
    const console = await readFile(created[0]?.consolePath() ?? "", "utf8");
    expect(leakedSecrets(console, secrets).length, "the guest really printed its secrets").toBeGreaterThan(0);
    const texts = await bundleTexts(bundle);
    expect(texts.get("console-log.txt")).toContain("[REDACTED]");
    for (const [name, text] of texts) expect(leakedSecrets(text, secrets), name).toEqual([]);
  });

  it("redacts a guest's config dump and key in the bundle, the rendered Ignition and each reported step", async () => {
    const reported: StepResult[] = [];
    const { result, created, bundle } = await run(
      "secret-dump.yaml",
      { onStep: (r) => reported.push(r) },
      await readFile(fixture, "utf8"),
    );
    const secrets = created[0]?.spec.secrets as RunSecrets;
    expect(leakedSecrets(JSON.stringify(result.steps), secrets).length).toBeGreaterThan(0);
    expect(result.classification.outcome).toBe("assertion_failure");
    expect(reported.map((r) => r.step_id)).toEqual(["dump-config", "dump-host-key"]);
    expect(leakedSecrets(JSON.stringify(reported), secrets)).toEqual([]);
    const texts = await bundleTexts(bundle);
    for (const [name, text] of texts) expect(leakedSecrets(text, secrets), name).toEqual([]);
    const ignition = JSON.parse(texts.get("rendered-ignition.ign") ?? "{}") as {
      storage: { files: { path: string; contents: { source: string } }[] };
    };
    const sources = new Map(ignition.storage.files.map((f) => [f.path, f.contents.source]));
    expect(sources.get("/etc/ssh/ssh_host_ed25519_key")).toBe(REDACTED_DATA_URL);
    expect(sources.get("/etc/ssh/ssh_host_ed25519_key.pub")).toMatch(/^data:;base64,/);
    expect(result.redactor.text(renderRun(result))).not.toBe(renderRun(result));
    expect(leakedSecrets(result.redactor.text(renderRun(result)), secrets)).toEqual([]);
  });
});

function configOf(spec: MachineSpec): string {
  return renderIgnitionConfig(
    buildIgnitionConfig({
      runId: spec.runId,
      token: spec.secrets.token,
      sshUser: "core",
      adminGroup: "sudo",
      authorizedKey: spec.secrets.clientKey.publicKey,
      hostKey: spec.secrets.hostKey,
      deliveryMount: true,
    }),
  );
}
