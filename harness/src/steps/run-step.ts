/**
 * Runs one scenario step against a guest: renders the command, bounds it by the step's timeout and what
 * is left of the scenario's, applies the exit expectation, and classes a non-passing step by fault.
 */

import { errorText, faultOf, ScenarioTimeout } from "../faults.js";
import type { HarnessLog } from "../harness-log.js";
import type { ExecResult } from "../machine.js";
import { retry } from "../retry.js";
import { durationMs } from "../scenario/duration.js";
import type { Step } from "../scenario/schema.js";
import { describeExit, exitMatches } from "./exit-behavior.js";
import { describeOperation, type HarnessStepRunner, runHarnessStep } from "./harness-step.js";
import { type ActionContext, renderAction, renderFixtureRefMove } from "./render-action.js";
import type { StepResult } from "./result.js";
import { shellQuote } from "./shell.js";
import type { ScenarioMachine } from "./verbs.js";

export interface StepEnv {
  vm: ScenarioMachine;
  action: ActionContext;
  log: HarnessLog;
  /** The step-type default of the timeout profile. */
  defaultTimeoutMs: number;
  /** Epoch ms at which the scenario timeout expires. */
  deadline: number;
  signal?: AbortSignal;
  /** Runs `target: harness` steps (the run's fixture repository); absent: such a step fails. */
  harness?: HarnessStepRunner;
}

/** The command a step runs (also for `step_command_*` assertions), or "" for steps without one. */
export function stepCommand(step: Step, action: ActionContext): string {
  if (step.target === "harness" && step.harness_operation) return describeOperation(step.harness_operation);
  if (step.step_type === "coreops_action" && step.action) return renderAction(step.action, action);
  if (step.step_type === "mutate_state" && step.fixture_ref)
    return renderFixtureRefMove(step.fixture_ref, action);
  if (step.command !== undefined) return step.command;
  if (step.step_type === "reboot") return "systemctl reboot";
  if (step.step_type === "wait_ready") return "true";
  return "";
}

function base(step: Step, command: string, start: Date): StepResult {
  return {
    step_id: step.step_id,
    step_type: step.step_type,
    status: "pending",
    details: "",
    command,
    exit_code: null,
    stdout: "",
    stderr: "",
    duration_ms: 0,
    started_at: start.toISOString(),
    completed_at: start.toISOString(),
    attempts: 0,
  };
}

export async function runStep(step: Step, env: StepEnv): Promise<StepResult> {
  const start = new Date();
  const r = base(step, stepCommand(step, env.action), start);
  const { limit, boundBy } = stepBudget(step, env, start);
  const finish = (res: StepResult): StepResult => {
    res.completed_at = new Date().toISOString();
    env.log.info(`step ${step.step_id}: ${res.status}${res.details ? ` — ${res.details}` : ""}`);
    return res;
  };
  if (limit <= 0) {
    return finish({
      ...r,
      status: "timed_out",
      fault: "timeout",
      details: "the scenario timeout expired before this step",
    });
  }
  if (step.target === "harness") return finish(await runHarnessStep(step, env.harness, r, limit));
  try {
    return finish(await runGuestStep(step, env, r, limit, boundBy));
  } catch (err) {
    return finish(failedStep(step, env, r, err));
  }
}

/** How long the step may take: its own timeout, cut to what is left of the scenario's, and which bound. */
function stepBudget(step: Step, env: StepEnv, start: Date): { limit: number; boundBy: string } {
  const stepLimit =
    step.timeout_override === undefined ? env.defaultTimeoutMs : durationMs(step.timeout_override);
  const remaining = env.deadline - start.getTime();
  return {
    limit: Math.max(0, Math.min(stepLimit, remaining)),
    boundBy: stepLimit <= remaining ? "step timeout" : "scenario timeout",
  };
}

async function runGuestStep(
  step: Step,
  env: StepEnv,
  r: StepResult,
  limit: number,
  boundBy: string,
): Promise<StepResult> {
  switch (step.step_type) {
    case "boot":
      return { ...r, status: "passed", details: "the guest was booted and ready at bring-up", attempts: 1 };
    case "wait_ready": {
      const t0 = Date.now();
      const attempts = await env.vm.waitUntilSucceeds("true", limit, env.signal);
      return {
        ...r,
        status: "passed",
        attempts,
        duration_ms: Date.now() - t0,
        details: "ssh true succeeded",
      };
    }
    case "reboot": {
      const t0 = Date.now();
      const rec = await env.vm.machine.reboot({ timeoutMs: limit });
      return {
        ...r,
        status: "passed",
        attempts: 1,
        duration_ms: Date.now() - t0,
        details: `rebooted; new boot id ${rec.boot_id}`,
      };
    }
    case "coreops_action":
    case "guest_command":
    case "mutate_state":
      return await runCommandStep(step, env, r, limit, boundBy);
    default: {
      const never: never = step.step_type;
      throw new Error(`unknown step type ${String(never)}`);
    }
  }
}

/** A step that threw, classed by fault; a bug in the harness is rethrown. */
function failedStep(step: Step, env: StepEnv, r: StepResult, err: unknown): StepResult {
  // A bug in the harness is not the guest's fault: it ends the run as a harness error.
  if (faultOf(err) === "harness") throw err;
  if (err instanceof ScenarioTimeout) {
    return { ...r, status: "timed_out", fault: "timeout", details: err.message };
  }
  const evidence = env.vm.machine.readinessEvidence();
  if (step.step_type === "reboot" && evidence.final_status === "timed_out") {
    return { ...r, status: "timed_out", fault: "timeout", details: `reboot: ${errorText(err)}` };
  }
  return { ...r, status: "failed", fault: "infrastructure", details: errorText(err) };
}

async function runCommandStep(
  step: Step,
  env: StepEnv,
  r: StepResult,
  limit: number,
  boundBy: string,
): Promise<StepResult> {
  const wrapped = step.step_type === "coreops_action" ? r.command : `sh -c ${shellQuote(r.command)}`;
  let last: ExecResult | undefined;
  let attempts = 0;
  const once = async (budget: number) => {
    attempts += 1;
    last = await env.vm.exec(wrapped, { timeoutMs: budget });
    return !last.timedOut && exitMatches(step.expected_exit_behavior, last.exitCode);
  };
  const t0 = Date.now();
  if (step.retry_until === undefined) {
    await once(limit);
  } else {
    const until = Math.min(durationMs(step.retry_until), limit);
    await retry(async () => (await once(Math.max(1, t0 + limit - Date.now()))) || undefined, {
      timeoutMs: until,
      intervalMs: 2000,
      what: `step ${step.step_id} (${describeExit(step.expected_exit_behavior)})`,
      signal: env.signal,
    }).catch((err) => {
      if (!(err instanceof ScenarioTimeout) || last === undefined) throw err;
    });
  }
  const res = last as ExecResult;
  const out: StepResult = {
    ...r,
    command: r.command,
    exit_code: res.timedOut ? null : res.exitCode,
    stdout: res.stdout,
    stderr: res.stderr,
    duration_ms: step.retry_until === undefined ? res.durationMs : Date.now() - t0,
    attempts,
  };
  if (res.timedOut) {
    return {
      ...out,
      status: "timed_out",
      fault: "timeout",
      details: `killed after ${limit} ms (${boundBy})`,
    };
  }
  if (exitMatches(step.expected_exit_behavior, res.exitCode)) {
    return { ...out, status: "passed", details: `exit ${res.exitCode}` };
  }
  const fault = step.step_type === "coreops_action" ? "scenario" : "infrastructure";
  const notFound = res.exitCode === 127 ? " (command not found)" : "";
  return {
    ...out,
    status: "failed",
    fault,
    details: `exit ${res.exitCode}${notFound}; expected ${describeExit(step.expected_exit_behavior)}`,
  };
}
