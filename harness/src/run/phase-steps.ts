/**
 * The steps phase of a scenario run: each step in order against the ready guest, the unit snapshots that
 * `unchanged_since`/`changed_since` assertions compare, and the skip of every step after a timeout or an
 * abort. Returns the step results and, when a step crashed the harness, that error as a value.
 */
import { GuestFacts } from "../assertions/guest-facts.js";
import { errorText } from "../faults.js";
import type { LoadedScenario } from "../scenario/loader.js";
import type { Step } from "../scenario/schema.js";
import type { HarnessStepRunner } from "../steps/harness-step.js";
import type { ActionContext } from "../steps/render-action.js";
import type { StepResult } from "../steps/result.js";
import { runStep } from "../steps/run-step.js";
import type { ScenarioMachine } from "../steps/verbs.js";
import type { RunContext } from "./run-context.js";

/** Step id → unit → property → value, read right after that step. */
export type UnitSnapshots = Map<string, Map<string, Record<string, string>>>;

export interface StepsDone {
  steps: StepResult[];
  snapshots: UnitSnapshots;
  /** Why the assertions are not evaluated: a step timed out. */
  stopped?: string;
  /** A step crashed the harness. */
  harnessError?: string;
}

export interface StepHooks {
  signal?: AbortSignal;
  /** Each step as it completes, already redacted. */
  onStep?: (r: StepResult) => void;
  /** Runs `target: harness` steps on the run's fixture repository. */
  harness?: HarnessStepRunner;
}

export async function runSteps(
  ctx: RunContext,
  vm: ScenarioMachine,
  action: ActionContext,
  hooks: StepHooks,
): Promise<StepsDone> {
  const { log, timeline, policy } = ctx;
  const steps: StepResult[] = [];
  const snapshots: UnitSnapshots = new Map();
  const wanted = snapshotPlan(ctx.loaded);
  let stopped: string | undefined;
  for (const step of ctx.loaded.scenario.steps) {
    if (stopped !== undefined || hooks.signal?.aborted) {
      steps.push(skipped(step, stopped ?? "the run was aborted"));
      continue;
    }
    const t0 = new Date();
    const env = { vm, action, log, deadline: ctx.deadline, signal: hooks.signal, harness: hooks.harness };
    const r = await runStep(step, {
      ...env,
      defaultTimeoutMs: policy.timeouts.perStepMs[step.step_type],
    }).catch((err: unknown) => `step ${step.step_id} crashed the harness: ${errorText(err)}`);
    if (typeof r === "string") return { steps, snapshots, harnessError: r };
    timeline.record("step", `step:${step.step_id}`, t0, new Date(), r.status === "passed", r.duration_ms);
    steps.push(r);
    hooks.onStep?.(ctx.redactor.strings(r));
    if (r.status === "timed_out") stopped = `stopped after step ${step.step_id} timed out`;
    const units = wanted.get(step.step_id);
    if (units && r.status !== "timed_out")
      snapshots.set(step.step_id, await snapshotUnits(ctx, vm, step, units));
  }
  return { steps, snapshots, stopped };
}

/** The properties of these units, right after `step`; a unit that cannot be read snapshots as `{}`. */
async function snapshotUnits(
  ctx: RunContext,
  vm: ScenarioMachine,
  step: Step,
  units: Map<string, Set<string>>,
): Promise<Map<string, Record<string, string>>> {
  const facts = new GuestFacts(vm);
  await facts
    .prefetchUnits(units)
    .catch((err) => ctx.log.info(`unit snapshot after ${step.step_id} failed: ${errorText(err)}`));
  const snap = new Map<string, Record<string, string>>();
  for (const [unit, props] of [...units].sort(([x], [y]) => x.localeCompare(y))) {
    snap.set(unit, await facts.unitProperties(unit, [...props].sort()).catch(() => ({})));
  }
  return snap;
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
