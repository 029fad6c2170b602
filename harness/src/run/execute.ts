/**
 * The scenario executor: load → profiles → fixtures → bring-up → steps → assertions → evidence →
 * classify → teardown → bundle, one function per phase, each returning a value. Teardown is in a `finally`:
 * it runs also when a phase or the pause before teardown throws, unless the VM is deliberately retained for
 * debugging. Nothing here prints; progress goes to the harness log sink.
 */
import { join } from "node:path";
import type { AssertionResult } from "../assertions/types.js";
import { writeBundle } from "../bundle/writer.js";
import { copyFixtureIntoGuest } from "../fixtures/guest-delivery.js";
import type { LogSink } from "../harness-log.js";
import type { AccessInfo, Hypervisor, Machine, MachineSpec } from "../machine.js";
import type { LoadedScenario } from "../scenario/loader.js";
import type { ActionContext } from "../steps/render-action.js";
import type { StepResult } from "../steps/result.js";
import { ScenarioMachine } from "../steps/verbs.js";
import { type BringUp, type BringUpRetries, bringUp } from "./bring-up.js";
import { placeholderValues, readBuildIdentity } from "./build-identity.js";
import { bundleFiles } from "./bundle-files.js";
import { prepareGuest } from "./guest-preparation.js";
import { makeHarnessRunner } from "./harness-runner.js";
import { classify } from "./outcome.js";
import { runAssertions } from "./phase-assertions.js";
import { collectEvidence, type Evidence } from "./phase-evidence.js";
import { FIXTURE_URL, type Fixtures, fixtureCommit, needsAgent, prepareFixtures } from "./phase-fixtures.js";
import { runSteps } from "./phase-steps.js";
import { harnessFault, noneEvaluated, openRun, type RunContext } from "./run-context.js";
import { runIdentity } from "./run-identity.js";
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

/** What happened on the guest (or before there was one): everything the run record is made of. */
interface Played {
  /** Undefined when the run halted on a harness bug before bring-up. */
  guest?: BringUp;
  /**
   * The bring-up's own retry record (its warnings, the failed attempts' consoles), kept even when the guest
   * is later found unusable.
   */
  retries: BringUpRetries;
  steps: StepResult[];
  assertions: AssertionResult[];
  harnessError?: string;
}

interface Teardown {
  retained: boolean;
  access?: AccessInfo;
  warnings: string[];
}

export async function executeScenario(o: ExecuteOptions): Promise<ScenarioRun> {
  const ctx = openRun(o);
  const { scenario } = o.loaded;
  ctx.log.info(`run ${ctx.runId}: scenario ${scenario.scenario_id} (${o.loaded.file}), mode ${o.mode}`);
  const prepared = await prepareFixtures(ctx, o);
  const played =
    "halt" in prepared ? halted(ctx, prepared.halt) : await bringUpAndPlay(o, ctx, prepared.fixtures);
  const machine = played.guest?.machine;
  const judge = (failingChecks: readonly string[]) =>
    classify({
      bringUp: played.guest === undefined || played.guest.ok ? { ok: true } : played.guest,
      harnessError: played.harnessError,
      steps: played.steps,
      assertions: played.assertions,
      failingChecks,
      expectedOutcome: scenario.expected_outcome,
    });
  if (machine === undefined) {
    const evidence: Evidence = { consoleText: "", findings: [], failureFiles: [], classification: judge([]) };
    return finishRun(o, ctx, prepared.commits, played, evidence, { retained: false, warnings: [] });
  }
  let evidence: Evidence | undefined;
  let teardown: Teardown | undefined;
  try {
    evidence = await collectEvidence(ctx, evidenceSource(ctx, played, machine), judge);
    if (o.beforeTeardown) await o.beforeTeardown(machine);
  } finally {
    teardown = await tearDown(ctx, machine, retainInDebug(ctx, o.retain === true));
  }
  return finishRun(o, ctx, prepared.commits, played, evidence, teardown);
}

/** The run stopped before a guest existed: a missing agent binary or a harness bug. */
function halted(ctx: RunContext, halt: { fault: "infrastructure" | "harness"; message: string }): Played {
  ctx.log.info(halt.fault === "harness" ? `harness error: ${halt.message}` : halt.message);
  if (halt.fault === "harness") {
    return {
      retries: { warnings: [], failedAttempts: [] },
      steps: [],
      assertions: noneEvaluated(ctx, `harness error: ${halt.message}`),
      harnessError: halt.message,
    };
  }
  return {
    guest: unusableGuest(halt.message),
    retries: { warnings: [], failedAttempts: [] },
    steps: [],
    assertions: noneEvaluated(ctx, halt.message),
  };
}

/** An infrastructure failure in place of a usable guest (none yet, or `machine` found unusable). */
function unusableGuest(message: string, machine?: Machine): Extract<BringUp, { ok: false }> {
  return { ok: false, fault: "infrastructure", message, warnings: [], failedAttempts: [], machine };
}

/** The guest this run asks for: the scenario's environment, this run's secrets, the fixtures' deliveries. */
function machineSpec(ctx: RunContext, fixtures: Fixtures): MachineSpec {
  const { environment } = ctx.policy;
  return {
    runId: ctx.runId,
    vcpus: environment.vcpus,
    memoryMiB: environment.memoryMiB,
    runDir: join(ctx.runDir, "machine"),
    deliveries: fixtures.deliveries,
    secrets: ctx.secrets,
    ignitionExtras: fixtures.ignitionExtras,
    imageVersion: environment.imageVersion,
  };
}

async function bringUpAndPlay(o: ExecuteOptions, ctx: RunContext, fixtures: Fixtures): Promise<Played> {
  const { policy } = ctx;
  const bring = await bringUp({
    hypervisor: o.hypervisor,
    spec: machineSpec(ctx, fixtures),
    readinessMs: policy.timeouts.readinessMs,
    log: ctx.log,
    timeline: ctx.timeline,
    onMachine: o.onMachine,
  });
  if (!bring.ok) {
    return { guest: bring, retries: bring, steps: [], assertions: noneEvaluated(ctx, bring.message) };
  }
  const vm = new ScenarioMachine(bring.machine, ctx.log);
  const delivery = await deliverFixture(o, ctx, vm, bring.machine);
  if (delivery !== undefined) {
    return { guest: delivery, retries: bring, steps: [], assertions: noneEvaluated(ctx, delivery.message) };
  }
  const reposRoot = join(o.repoRoot, "repos");
  const unprepared = await prepareGuest({ vm, scenario: o.loaded.scenario, policy, reposRoot, log: ctx.log });
  if (unprepared !== undefined) {
    return {
      guest: unusableGuest(unprepared, bring.machine),
      retries: bring,
      steps: [],
      assertions: noneEvaluated(ctx, unprepared),
    };
  }
  return {
    ...(await play(o, ctx, vm, bring.machine, fixtures)),
    guest: bring,
    retries: bring,
  };
}

/**
 * Copies the delivered fixture repository into the guest (only when the agent runs). A failure makes the
 * guest unusable: it comes back as a failed bring-up of this machine, so no step runs.
 */
async function deliverFixture(
  o: ExecuteOptions,
  ctx: RunContext,
  vm: ScenarioMachine,
  machine: Machine,
): Promise<Extract<BringUp, { ok: false }> | undefined> {
  if (!needsAgent(o.loaded)) return undefined;
  const copied = await harnessFault(() =>
    ctx.timeline.phase("fixtures", "fixture-delivery", () =>
      ctx.log.span("copying the delivered fixture repository into the guest", () =>
        copyFixtureIntoGuest(vm, machine.deliveredPath("fixture-repo")),
      ),
    ),
  );
  if (copied.ok) return undefined;
  return unusableGuest(`fixture delivery into the guest failed: ${copied.error}`, machine);
}

/** Steps, then assertions, on the ready guest. A harness bug in either stops the run as a value. */
async function play(
  o: ExecuteOptions,
  ctx: RunContext,
  vm: ScenarioMachine,
  machine: Machine,
  fixtures: Fixtures,
): Promise<Pick<Played, "steps" | "assertions" | "harnessError">> {
  const action: ActionContext = {
    binary: machine.deliveredPath("core-ops"),
    fixtureUrl: FIXTURE_URL,
    defaultHost: o.loaded.scenario.host,
    resolve: (ref) => fixtureCommit(fixtures.commits, ref),
  };
  const broken = (steps: StepResult[], error: string) => {
    ctx.log.info(`harness error: ${error}`);
    return { steps, assertions: noneEvaluated(ctx, `harness error: ${error}`), harnessError: error };
  };
  const placeholders = await harnessFault(async () =>
    placeholderValues(needsAgent(o.loaded) ? readBuildIdentity(o.agentBinary) : null, fixtures.commits),
  );
  if (!placeholders.ok) return broken([], placeholders.error);
  const harness = makeHarnessRunner({
    vm,
    repo: fixtures.repoPath,
    reposRoot: join(o.repoRoot, "repos"),
    scratchDir: ctx.runDir,
    commits: fixtures.commits,
    placeholders: placeholders.value,
    resolve: action.resolve,
  });
  const done = await runSteps(ctx, vm, action, { signal: o.signal, onStep: o.onStep, harness });
  if (done.harnessError !== undefined) return broken(done.steps, done.harnessError);
  const judged = await harnessFault(() =>
    ctx.timeline.phase("assertions", "assertions", () =>
      runAssertions(ctx, vm, action, done, placeholders.value),
    ),
  );
  if (!judged.ok) return broken(done.steps, judged.error);
  for (const a of judged.value)
    ctx.log.info(`assertion ${a.assertion_id}: ${a.status}${a.message ? ` — ${a.message}` : ""}`);
  return { steps: done.steps, assertions: judged.value };
}

function evidenceSource(ctx: RunContext, played: Played, machine: Machine) {
  const guest = played.guest;
  return {
    machine,
    ready: guest?.ok === true,
    ignitionDir: guest?.runDir ?? join(ctx.runDir, "machine"),
    steps: played.steps,
  };
}

/** `--debug` keeps the VM unless the scenario's `retain_environment_in_debug` is false. */
function retainInDebug(ctx: RunContext, debug: boolean): boolean {
  if (debug && !ctx.policy.artifacts.retainEnvironmentInDebug) {
    ctx.log.info("retain_environment_in_debug is false: the guest is torn down despite --debug");
  }
  return debug && ctx.policy.artifacts.retainEnvironmentInDebug;
}

/** Destroys the guest, or keeps it for debugging; teardown errors become warnings. */
async function tearDown(ctx: RunContext, machine: Machine, retain: boolean): Promise<Teardown> {
  const access = retain ? machine.accessInfo() : undefined;
  const warnings: string[] = [];
  await ctx.timeline.phase("teardown", retain ? "teardown (retained)" : "teardown", async () => {
    const report = await machine.destroy({ retain });
    ctx.log.info(
      retain
        ? `guest retained for debugging: ${access?.ssh}`
        : `teardown: domain removed ${report.domainRemoved}, volumes ${report.volumesRemoved.length}, errors ${report.errors.length}`,
    );
    for (const e of report.errors) warnings.push(`teardown: ${e}`);
  });
  return { retained: retain, access, warnings };
}

/** The run record, its warnings in order (bring-up, teardown, outcome, guest checks), and its bundle. */
async function finishRun(
  o: ExecuteOptions,
  ctx: RunContext,
  commits: { revision: string; commit: string }[],
  played: Played,
  evidence: Evidence,
  teardown: Teardown,
): Promise<ScenarioRun> {
  const { classification, findings } = evidence;
  const warnings = [
    ...played.retries.warnings,
    ...teardown.warnings,
    ...classification.warnings,
    ...findings.filter((x) => x.severity === "warn").map((f) => `guest check ${f.check}: ${f.text}`),
  ];
  ctx.log.info(`outcome: ${classification.outcome} — ${classification.summary}`);
  const run: Omit<ScenarioRun, "bundle"> = {
    runId: ctx.runId,
    mode: o.mode,
    loaded: o.loaded,
    startedAt: ctx.startedAt,
    completedAt: new Date(),
    classification,
    steps: played.steps,
    assertions: played.assertions,
    findings,
    readiness: played.guest?.machine?.readinessEvidence() ?? null,
    timeline: ctx.timeline,
    fixtureCommits: commits,
    environmentRetained: teardown.retained,
    access: teardown.access,
    warnings,
    redactor: ctx.redactor,
    identity: runIdentity(o.hypervisor, o.agentBinary),
  };
  const { log, redactor, policy } = ctx;
  const bundle = await writeBundle({
    dir: join(o.artifactsDir, ctx.runId),
    runId: ctx.runId,
    scenarioId: o.loaded.scenario.scenario_id,
    files: bundleFiles(run, {
      ...evidence,
      log,
      failureFiles: evidence.failureFiles,
      policy,
      failedAttempts: played.retries.failedAttempts,
    }),
    redactor,
    environmentRetained: teardown.retained,
    identity: run.identity,
  });
  return { ...run, bundle };
}
