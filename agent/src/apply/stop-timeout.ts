/**
 * A unit whose stop took its whole stop timeout (README "Apply": stop-timeout warnings). The classic case
 * is a container whose PID 1 is the service program itself: the kernel does not deliver SIGTERM to a PID 1
 * that installs no handler, so `podman stop` waits the container's whole StopTimeout (default 10 s) and
 * then kills it — every restart pays that wait. A native service that ignores SIGTERM waits TimeoutStopSec.
 * Pure: it reads the unit's systemd timestamps (CLOCK_MONOTONIC µs, the clock the executor's restart times
 * come from) and the budgets, and says whether the last stop of this restart used up its budget.
 */

import type { StopTimeoutWarning } from "../model/execution.js";
import { parseTimespanMs } from "../units/timespan.js";
import type { UnitProperties } from "./ports.js";

/** The properties `stopTimeoutWarning` reads (asked for in the verification `show`). */
export const STOP_TIMING_PROPERTIES = [
  "ActiveExitTimestampMonotonic",
  "InactiveEnterTimestampMonotonic",
  "TimeoutStopUSec",
] as const;

/** Podman's default stop timeout (containers.conf `stop_timeout`), used when a .container sets no StopTimeout=. */
export const PODMAN_DEFAULT_STOP_TIMEOUT_MS = 10_000;

/** A stop this close to its budget (or longer) used all of it: the kill came after the timeout. */
const SLACK_MS = 250;

export function stopTimeoutWarning(input: {
  object: string;
  unit: string;
  props: UnitProperties;
  /** CLOCK_MONOTONIC milliseconds at which the executor began this restart. */
  restartBeganMs: number;
  /** For a Quadlet `.container`: its effective StopTimeout=, else null. */
  containerStopTimeoutMs: number | null;
}): StopTimeoutWarning | null {
  const exitedUs = Number(input.props.ActiveExitTimestampMonotonic ?? "0");
  const inactiveUs = Number(input.props.InactiveEnterTimestampMonotonic ?? "0");
  // Not stopped by this restart (a unit that was not running, or timestamps from an earlier stop).
  if (!(exitedUs > 0) || !(inactiveUs >= exitedUs) || exitedUs / 1000 < input.restartBeganMs) return null;
  const stopMs = (inactiveUs - exitedUs) / 1000;
  const systemdMs = parseTimespanMs(input.props.TimeoutStopUSec ?? "") ?? Number.POSITIVE_INFINITY;
  const budgetMs = Math.min(systemdMs, input.containerStopTimeoutMs ?? Number.POSITIVE_INFINITY);
  if (!Number.isFinite(budgetMs) || budgetMs <= 0 || stopMs + SLACK_MS < budgetMs) return null;
  const container = input.containerStopTimeoutMs !== null && input.containerStopTimeoutMs <= systemdMs;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const hint = container
    ? "the container's main process probably ignores SIGTERM (a program running as PID 1); set RunInit=true, or a StopSignal= it handles, or a shorter StopTimeout= in the .container"
    : "the service probably ignores its stop signal; make it exit on SIGTERM (or set KillSignal=/ExecStop=), or a shorter TimeoutStopSec=";
  return {
    kind: "stop_timeout",
    object: input.object,
    unit: input.unit,
    stop_ms: Math.round(stopMs),
    timeout_ms: Math.round(budgetMs),
    detail: `${input.unit}: stopping took ${s(stopMs)}, its whole stop timeout (${s(budgetMs)}), and was killed: ${hint}`,
  };
}
