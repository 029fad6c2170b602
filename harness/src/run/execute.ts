/**
 * The scenario executor: load → profiles → fixtures → bring-up → steps → assertions → evidence →
 * classify → teardown → bundle. Teardown always runs (also on errors and aborts) unless the VM is
 * deliberately retained for debugging. Nothing here prints; progress goes to the harness log sink.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { evaluateAssertion, notEvaluated, unitPrefetch } from "../assertions/evaluate.js";
import { GuestFacts } from "../assertions/guest-facts.js";
import type { AssertionResult } from "../assertions/types.js";
import { type Finding, scanText } from "../bundle/checks.js";
import { collectFailureEvidence } from "../bundle/failure-evidence.js";
import type { BundleFile } from "../bundle/writer.js";
import { writeBundle } from "../bundle/writer.js";
import { copyFixtureIntoGuest, GUEST_FIXTURE_DIR } from "../fixtures/guest-delivery.js";
import { materializeHistory, materializeStatic, pointBranch } from "../fixtures/repository-evolution.js";
import { agentInstallExtras, renderAgentIgnition, sha512File } from "../ignition/agent-install.js";
import type { IgnitionExtras } from "../ignition/config.js";
import { generateRunSecrets, publicValues, secretValues } from "../ignition/run-secrets.js";
import { type Delivery, GUEST_DELIVERY_DIR, type Hypervisor, type Machine } from "../machine.js";
import { durationMs } from "../scenario/duration.js";
import type { LoadedScenario } from "../scenario/loader.js";
import { resolvePolicy } from "../scenario/profiles.js";
import type { Step } from "../scenario/schema.js";
import { Redactor } from "../secrets/redactor.js";
import type { ActionContext } from "../steps/render-action.js";
import type { StepResult } from "../steps/result.js";
import { runStep } from "../steps/run-step.js";
import { ScenarioMachine } from "../steps/verbs.js";
import { bringUp } from "./bring-up.js";
import { placeholderValues, readBuildIdentity } from "./build-identity.js";
import { bundleFiles } from "./bundle-files.js";
import { errorText } from "./errors.js";
import { HarnessLog, type LogSink } from "./log.js";
import { classify } from "./outcome.js";
import { newRunId } from "./run-id.js";
import { runIdentity } from "./run-identity.js";
import { Timeline } from "./timeline.js";
import type { RunMode, ScenarioRun } from "./types.js";

export interface ExecuteOptions {
  loaded: LoadedScenario;
  hypervisor: Hypervisor;
  /** Directory holding `repos/`. */
  repoRoot: string;
  workspaceRoot: string;
  artifactsDir: string;
  /** Host path of the agent's single-file binary. */
  agentBinary: string;
  mode: RunMode;
  runId?: string;
  /** Keep the VM (debug). */
  retain?: boolean;
  /** Called before teardown (`--pause-before-teardown`). */
  beforeTeardown?: (machine: Machine) => Promise<void>;
  logSink?: LogSink;
  signal?: AbortSignal;
  onMachine?: (m: Machine) => void;
  /** Each step as it completes, already redacted. */
  onStep?: (r: StepResult) => void;
}

/** Units whose properties must be snapshot right after a step (for unchanged_since / changed_since). */
function snapshotPlan(loaded: LoadedScenario): Map<string, Map<string, Set<string>>> {
  const plan = new Map<string, Map<string, Set<string>>>();
  for (const a of loaded.scenario.assertions) {
    if (a.assertion_type !== "unit_state") continue;
    for (const rule of [a.unchanged_since, a.changed_since]) {
      if (!rule) continue;
      for (const step of rule.until === undefined ? [rule.step] : [rule.step, rule.until]) {
        const units = plan.get(step) ?? new Map<string, Set<string>>();
        const props = units.get(a.unit) ?? new Set<string>();
        for (const p of rule.properties) props.add(p);
        units.set(a.unit, props);
        plan.set(step, units);
      }
    }
  }
  return plan;
}

export async function executeScenario(o: ExecuteOptions): Promise<ScenarioRun> {
  const { scenario } = o.loaded;
  const runId = o.runId ?? newRunId(scenario.scenario_id);
  const startedAt = new Date();
  // The run's secrets exist before anything boots, so whatever the guest prints is redacted, ready or not.
  const secrets = generateRunSecrets(runId);
  const redactor = new Redactor(secretValues(secrets), publicValues(secrets));
  const sink = o.logSink;
  const log = new HarnessLog(sink && ((line) => sink(redactor.text(line))));
  const timeline = new Timeline();
  const policy = resolvePolicy(scenario);
  const deadline = startedAt.getTime() + policy.timeouts.scenarioMs;
  const warnings: string[] = [];
  const steps: StepResult[] = [];
  let assertions: AssertionResult[] = [];
  let findings: Finding[] = [];
  let failureFiles: BundleFile[] = [];
  let harnessError: string | undefined;
  let bring: Awaited<ReturnType<typeof bringUp>> | undefined;
  let consoleText = "";
  let ignition: string | undefined;
  let commits: { revision: string; commit: string }[] = [];
  let retained = false;
  let access: ScenarioRun["access"];
  const runDir = join(o.workspaceRoot, runId);
  log.info(`run ${runId}: scenario ${scenario.scenario_id} (${o.loaded.file}), mode ${o.mode}`);

  try {
    const fixtureDir = join(runDir, "fixture-repo");
    const evo = scenario.fixtures.repository_evolution;
    const repos = join(o.repoRoot, "repos");
    const repo = await timeline.phase("fixtures", "fixtures", () =>
      log.span("materializing the fixture repository", () =>
        evo
          ? materializeHistory(repos, evo.history_fixture, evo.revisions, fixtureDir)
          : materializeStatic(
              repos,
              scenario.fixtures.repo_fixture,
              scenario.fixtures.revision_under_test,
              fixtureDir,
            ),
      ),
    );
    commits = repo.commits;
    for (const c of commits) log.info(`fixture ${c.revision} = ${c.commit}`);
    const resolveRevision = (ref: string): string => {
      const hit =
        commits.find((c) => c.revision === ref)?.commit ??
        commits.find((c) => c.commit.startsWith(ref))?.commit;
      if (hit === undefined) throw new Error(`${ref} is neither a fixture tag nor a fixture commit`);
      return hit;
    };
    const fixtureUrl = `file://${GUEST_FIXTURE_DIR}`;
    const deliveries: Delivery[] = [{ name: "fixture-repo", hostPath: repo.path }];
    if (needsAgent(o.loaded)) {
      if (!existsSync(o.agentBinary)) {
        throw new MissingAgent(
          `the agent binary ${o.agentBinary} does not exist; build it with \`npm run build\` (or set CORE_OPS_VERIFY_CORE_OPS_BIN)`,
        );
      }
      deliveries.push({ name: "core-ops", hostPath: o.agentBinary });
    }
    let ignitionExtras: IgnitionExtras | undefined;
    const install = scenario.installation;
    if (install !== undefined) {
      await pointBranch(repo.path, install.ref, resolveRevision(install.at));
      log.info(`fixture branch ${install.ref} → ${install.at}; installing the agent through Ignition`);
      const rendered = await renderAgentIgnition(o.repoRoot, {
        repo: fixtureUrl,
        rev: install.ref,
        binarySha512: await sha512File(o.agentBinary),
      });
      const span = (d: Parameters<typeof durationMs>[0]) => `${durationMs(d)}ms`;
      ignitionExtras = agentInstallExtras(rendered, {
        binaryPath: `${GUEST_DELIVERY_DIR}/core-ops`,
        hostname: scenario.host,
        schedule: {
          onBootSec: span(install.schedule.on_boot_sec),
          onUnitActiveSec: span(install.schedule.on_unit_active_sec),
        },
      });
    }
    bring = await bringUp({
      hypervisor: o.hypervisor,
      spec: {
        runId,
        vcpus: policy.environment.vcpus,
        memoryMiB: policy.environment.memoryMiB,
        runDir: join(runDir, "machine"),
        deliveries,
        secrets,
        ignitionExtras,
      },
      readinessMs: policy.timeouts.readinessMs,
      log,
      timeline,
      onMachine: o.onMachine,
    });
    warnings.push(...bring.warnings);
    if (bring.ok) {
      const vm = new ScenarioMachine(bring.machine, log);
      const action: ActionContext = {
        binary: bring.machine.deliveredPath("core-ops"),
        fixtureUrl,
        defaultHost: scenario.host,
        resolve: resolveRevision,
      };
      if (needsAgent(o.loaded)) {
        const machine = bring.machine;
        const copied = await timeline
          .phase("fixtures", "fixture-delivery", () =>
            log.span("copying the delivered fixture repository into the guest", () =>
              copyFixtureIntoGuest(vm, machine.deliveredPath("fixture-repo")),
            ),
          )
          .then(
            () => true,
            (err) => {
              bring = {
                ok: false,
                timedOut: false,
                message: `fixture delivery into the guest failed: ${errorText(err)}`,
                warnings: [],
                machine,
              };
              return false;
            },
          );
        if (!copied) throw new SkipSteps();
      }
      const snapshots = new Map<string, Map<string, Record<string, string>>>();
      const wanted = snapshotPlan(o.loaded);
      const placeholders = placeholderValues(
        needsAgent(o.loaded) ? readBuildIdentity(o.agentBinary) : null,
        commits,
      );
      let stopped: string | undefined;
      for (const step of scenario.steps) {
        if (stopped !== undefined || o.signal?.aborted) {
          steps.push(skipped(step, stopped ?? "the run was aborted"));
          continue;
        }
        const t0 = new Date();
        const r = await runStep(step, {
          vm,
          action,
          log,
          defaultTimeoutMs: policy.timeouts.perStepMs[step.step_type],
          deadline,
          signal: o.signal,
        }).catch((err) => {
          throw new Error(`step ${step.step_id} crashed the harness: ${errorText(err)}`);
        });
        timeline.record("step", `step:${step.step_id}`, t0, new Date(), r.status === "passed", r.duration_ms);
        steps.push(r);
        o.onStep?.(redactor.strings(r));
        if (r.status === "timed_out") stopped = `stopped after step ${step.step_id} timed out`;
        const units = wanted.get(step.step_id);
        if (units && r.status !== "timed_out") {
          const facts = new GuestFacts(vm);
          await facts
            .prefetchUnits(units)
            .catch((err) => log.info(`unit snapshot after ${step.step_id} failed: ${errorText(err)}`));
          const snap = new Map<string, Record<string, string>>();
          for (const [unit, props] of [...units].sort(([x], [y]) => x.localeCompare(y))) {
            snap.set(unit, await facts.unitProperties(unit, [...props].sort()).catch(() => ({})));
          }
          snapshots.set(step.step_id, snap);
        }
      }
      assertions = await timeline.phase("assertions", "assertions", async () => {
        const out: AssertionResult[] = [];
        const facts = new GuestFacts(vm);
        if (stopped === undefined) {
          await facts
            .prefetchUnits(unitPrefetch(scenario.assertions))
            .catch((err) => log.info(`unit prefetch failed: ${errorText(err)}`));
        }
        for (const a of scenario.assertions) {
          if (stopped !== undefined) {
            out.push(notEvaluated(a, stopped));
            continue;
          }
          const planStep: Step = {
            step_id: "harness-plan",
            step_type: "coreops_action",
            target: "guest",
            action: { action: "plan", mode: "json" },
          };
          out.push(
            await evaluateAssertion(a, {
              steps: new Map(steps.map((s) => [s.step_id, s])),
              vm,
              facts,
              snapshots,
              placeholders,
              runPlan: () =>
                runStep(planStep, {
                  vm,
                  action,
                  log,
                  defaultTimeoutMs: policy.timeouts.perStepMs.coreops_action,
                  deadline,
                }),
            }),
          );
        }
        return out;
      });
      for (const a of assertions)
        log.info(`assertion ${a.assertion_id}: ${a.status}${a.message ? ` — ${a.message}` : ""}`);
    } else {
      assertions = scenario.assertions.map((a) =>
        notEvaluated(a, bring && !bring.ok ? bring.message : "bring-up failed"),
      );
    }
  } catch (err) {
    if (err instanceof MissingAgent) {
      bring = { ok: false, timedOut: false, message: err.message, warnings: [] };
      log.info(err.message);
      assertions = scenario.assertions.map((a) => notEvaluated(a, err.message));
    } else if (err instanceof SkipSteps) {
      assertions = scenario.assertions.map((a) =>
        notEvaluated(a, bring && !bring.ok ? bring.message : "bring-up failed"),
      );
    } else {
      harnessError = errorText(err);
      log.info(`harness error: ${harnessError}`);
      if (assertions.length === 0)
        assertions = scenario.assertions.map((a) => notEvaluated(a, `harness error: ${harnessError}`));
    }
  }

  const machine = bring?.machine;
  let classification = classify({
    bringUp: bring === undefined ? { ok: true } : bring.ok ? { ok: true } : bring,
    harnessError,
    steps,
    assertions,
    failingChecks: [],
    expectedOutcome: scenario.expected_outcome,
  });
  if (machine !== undefined) {
    await timeline.phase("evidence", "evidence", async () => {
      try {
        consoleText = await readFile(machine.consolePath(), "utf8").catch(
          (err) => `(console log unavailable: ${errorText(err)})`,
        );
        const journal = bring?.ok ? await machine.journal().catch(() => "") : "";
        findings = [...scanText(consoleText, "console"), ...scanText(journal, "journal")];
        ignition = await findIgnition(bring?.runDir ?? join(runDir, "machine"));
        const failing = [
          ...new Set(findings.filter((f) => f.severity === "fail").map((f) => f.check)),
        ].sort();
        classification = classify({
          bringUp: bring?.ok ? { ok: true } : (bring as { ok: false; timedOut: boolean; message: string }),
          harnessError,
          steps,
          assertions,
          failingChecks: failing,
          expectedOutcome: scenario.expected_outcome,
        });
        if (classification.observed !== "passed" && bring?.ok) {
          failureFiles = await collectFailureEvidence(new ScenarioMachine(machine, log), steps);
        }
      } catch (err) {
        harnessError = `evidence collection failed: ${errorText(err)}`;
        log.info(harnessError);
      }
    });
    retained = o.retain === true;
    if (retained) access = machine.accessInfo();
    if (o.beforeTeardown) await o.beforeTeardown(machine);
    await timeline.phase("teardown", retained ? "teardown (retained)" : "teardown", async () => {
      const report = await machine.destroy({ retain: retained });
      log.info(
        retained
          ? `guest retained for debugging: ${access?.ssh}`
          : `teardown: domain removed ${report.domainRemoved}, volumes ${report.volumesRemoved.length}, errors ${report.errors.length}`,
      );
      for (const e of report.errors) warnings.push(`teardown: ${e}`);
    });
  }
  warnings.push(...classification.warnings);
  for (const f of findings.filter((x) => x.severity === "warn"))
    warnings.push(`guest check ${f.check}: ${f.text}`);
  log.info(`outcome: ${classification.outcome} — ${classification.summary}`);
  const completedAt = new Date();
  const run: Omit<ScenarioRun, "bundle"> = {
    runId,
    mode: o.mode,
    loaded: o.loaded,
    startedAt,
    completedAt,
    classification,
    steps,
    assertions,
    findings,
    readiness: machine?.readinessEvidence() ?? null,
    timeline,
    fixtureCommits: commits,
    environmentRetained: retained,
    access,
    warnings,
    redactor,
    identity: runIdentity(o.hypervisor, o.agentBinary),
  };
  const bundle = await writeBundle({
    dir: join(o.artifactsDir, runId),
    runId,
    scenarioId: scenario.scenario_id,
    files: bundleFiles(run, { log, consoleText, ignition, failureFiles, policy }),
    redactor,
    environmentRetained: retained,
    identity: run.identity,
  });
  return { ...run, bundle };
}

/** The scenario runs core-ops but there is no binary to deliver: an infrastructure failure, before any VM. */
class MissingAgent extends Error {}

/** Whether the scenario runs the agent (and so needs its binary delivered). */
export function needsAgent(loaded: LoadedScenario): boolean {
  const { steps, assertions } = loaded.scenario;
  return (
    loaded.scenario.installation !== undefined ||
    steps.some((s) => s.step_type === "coreops_action") ||
    assertions.some((a) => a.assertion_type === "no_pending_changes")
  );
}

/** Control flow: bring-up succeeded but the guest could not be prepared; no step runs. */
class SkipSteps extends Error {}

function skipped(step: Step, why: string): StepResult {
  const now = new Date().toISOString();
  return {
    step_id: step.step_id,
    step_type: step.step_type,
    status: "skipped",
    details: why,
    command: "",
    exit_code: null,
    stdout: "",
    stderr: "",
    duration_ms: 0,
    started_at: now,
    completed_at: now,
    attempts: 0,
  };
}

async function findIgnition(dir: string): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined;
  const files = (await readdir(dir)).filter((f) => f.endsWith(".ign")).sort();
  return files[0] === undefined ? undefined : readFile(join(dir, files[0]), "utf8");
}
