/**
 * What every phase of one scenario run shares: its id, secrets and redaction, the harness log, the timeline
 * and the resolved timeout policy. Created once per run by `openRun`, never changed afterwards (the log and
 * the timeline collect lines and phases as the run goes).
 */
import { join } from "node:path";
import { notEvaluated } from "../assertions/evaluate.js";
import type { AssertionResult } from "../assertions/types.js";
import { errorText } from "../faults.js";
import { HarnessLog, type LogSink } from "../harness-log.js";
import { generateRunSecrets, publicValues, type RunSecrets, secretValues } from "../ignition/run-secrets.js";
import type { LoadedScenario } from "../scenario/loader.js";
import { type ResolvedPolicy, resolvePolicy } from "../scenario/profiles.js";
import { Redactor } from "../secrets/redactor.js";
import { newRunId } from "./run-id.js";
import { Timeline } from "./timeline.js";

export interface RunContext {
  loaded: LoadedScenario;
  runId: string;
  startedAt: Date;
  secrets: RunSecrets;
  redactor: Redactor;
  log: HarnessLog;
  timeline: Timeline;
  policy: ResolvedPolicy;
  /** Epoch ms at which the scenario timeout expires. */
  deadline: number;
  /** This run's working directory under the workspace root. */
  runDir: string;
}

export function openRun(o: {
  loaded: LoadedScenario;
  runId?: string;
  workspaceRoot: string;
  logSink?: LogSink;
}): RunContext {
  const runId = o.runId ?? newRunId(o.loaded.scenario.scenario_id);
  const startedAt = new Date();
  // The run's secrets exist before anything boots, so whatever the guest prints is redacted, ready or not.
  const secrets = generateRunSecrets(runId);
  const redactor = new Redactor(secretValues(secrets), publicValues(secrets));
  const sink = o.logSink;
  const policy = resolvePolicy(o.loaded.scenario);
  return {
    loaded: o.loaded,
    runId,
    startedAt,
    secrets,
    redactor,
    log: new HarnessLog(sink && ((line) => sink(redactor.text(line)))),
    timeline: new Timeline(),
    policy,
    deadline: startedAt.getTime() + policy.timeouts.scenarioMs,
    runDir: join(o.workspaceRoot, runId),
  };
}

/** Every assertion of the scenario, not evaluated for the same reason. */
export function noneEvaluated(ctx: RunContext, why: string): AssertionResult[] {
  return ctx.loaded.scenario.assertions.map((a) => notEvaluated(a, why));
}

/** A harness bug met during a phase, as a value: the message the outcome and the log carry. */
export async function harnessFault<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}
