/**
 * Waiting for readiness: polls the console follower, feeds the tracker, returns the next accepted record,
 * fails fast on the Ignition failure marker and on a kernel panic, and times out with a clear error. An optional fallback (the
 * opt-in ARP lookup) is asked once when the time is up. The polling is the harness's one `retry`.
 */
import type { ReadinessRecord } from "../machine.js";
import { retry } from "../retry.js";
import type { ConsoleFollower } from "./console-follower.js";
import { GuestPanicError, IgnitionFailedError, ReadinessTimeoutError } from "./errors.js";
import type { ReadinessTracker } from "./tracker.js";

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Asked once after the timeout; a record it returns counts as `fallback_used`. */
  fallback?: () => Promise<ReadinessRecord | undefined>;
  now?: () => number;
}

export interface WaitOutcome {
  record: ReadinessRecord;
  viaFallback: boolean;
  waitedMs: number;
}

export async function waitForReadiness(
  follower: ConsoleFollower,
  tracker: ReadinessTracker,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const poll = async (): Promise<ReadinessRecord | undefined> => {
    const at = new Date().toISOString();
    for (const line of follower.poll()) tracker.feed(line, at);
    const record = tracker.takeNext();
    if (record === undefined && tracker.ignitionFailure !== undefined) {
      throw new IgnitionFailedError(tracker.ignitionFailure, follower.path);
    }
    if (record === undefined && tracker.kernelPanic !== undefined) {
      throw new GuestPanicError(tracker.kernelPanic, follower.path);
    }
    return record;
  };
  try {
    const { value: record } = await retry(poll, {
      what: "the readiness record",
      timeoutMs: options.timeoutMs,
      intervalMs: options.pollMs ?? 200,
      signal: options.signal,
      now,
      onTimeout: (e) => new ReadinessTimeoutError(e.elapsedMs, options.timeoutMs, follower.path),
    });
    return { record, viaFallback: false, waitedMs: now() - started };
  } catch (err) {
    if (!(err instanceof ReadinessTimeoutError)) throw err;
    const fallback = await options.fallback?.();
    if (fallback !== undefined) return { record: fallback, viaFallback: true, waitedMs: now() - started };
    throw err;
  }
}
