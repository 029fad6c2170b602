/**
 * Waiting for readiness: polls the console follower, feeds the tracker, returns the next accepted record,
 * fails fast on the Ignition failure marker, and times out with a clear error. An optional fallback (the
 * opt-in ARP lookup) is asked once when the time is up.
 */
import type { ReadinessRecord } from "../machine.js";
import type { ConsoleFollower } from "./console-follower.js";
import { IgnitionFailedError, ReadinessTimeoutError } from "./errors.js";
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
  const pollMs = options.pollMs ?? 200;
  for (;;) {
    const at = new Date().toISOString();
    for (const line of follower.poll()) tracker.feed(line, at);
    const record = tracker.takeNext();
    if (record !== undefined) return { record, viaFallback: false, waitedMs: now() - started };
    if (tracker.ignitionFailure !== undefined) {
      throw new IgnitionFailedError(tracker.ignitionFailure, follower.path);
    }
    const waited = now() - started;
    if (waited >= options.timeoutMs) {
      const fallback = await options.fallback?.();
      if (fallback !== undefined) return { record: fallback, viaFallback: true, waitedMs: now() - started };
      throw new ReadinessTimeoutError(waited, options.timeoutMs, follower.path);
    }
    options.signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
