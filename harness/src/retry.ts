/**
 * The one way to wait (NixOS `retry`): calls `attempt` until it returns a value, the time is up, or an
 * attempt limit is reached. The last try is the one after which another interval would pass the limit, so
 * a wait never sleeps past its limit. An attempt says "not yet" by returning `undefined`, or by throwing an
 * error that `transient` accepts (kept as the last error); any other error ends the wait at once. When the
 * wait is over, `onTimeout` turns what happened (elapsed, limit, attempts, last error) into the error to
 * throw — by default a `ScenarioTimeout` naming the elapsed and the configured time. Neutral: used by the
 * machine layer (readiness, SSH connect, libvirt, setup, the image build lock) and by scenario steps.
 */
import { ScenarioTimeout } from "./faults.js";

export interface RetryState {
  /** 1 for the first attempt. */
  attempt: number;
  elapsedMs: number;
  /** No attempt follows this one if it does not succeed. */
  lastTry: boolean;
}

export interface RetryExhausted {
  what: string;
  attempts: number;
  elapsedMs: number;
  limitMs: number;
  /** The last error an attempt threw that `transient` accepted. */
  lastError?: unknown;
}

export interface RetryOptions {
  /** What is waited for, for the timeout message. */
  what: string;
  /** Give up after this long; `Number.POSITIVE_INFINITY` waits as long as it takes. */
  timeoutMs: number;
  intervalMs?: number;
  /** Give up after this many attempts, too. */
  maxAttempts?: number;
  /** Errors of an attempt that mean "not yet"; the default: none (every error ends the wait). */
  transient?: (err: unknown) => boolean;
  /** The error to throw when the wait is over. */
  onTimeout?: (exhausted: RetryExhausted) => Error;
  signal?: AbortSignal;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function timedOut(e: RetryExhausted): Error {
  return new ScenarioTimeout(
    `${e.what}: still not true after ${(e.elapsedMs / 1000).toFixed(1)} s (${e.attempts} attempts; limit ${(e.limitMs / 1000).toFixed(1)} s)`,
    e.elapsedMs,
    e.limitMs,
  );
}

export async function retry<T>(
  attempt: (state: RetryState) => Promise<T | undefined>,
  options: RetryOptions,
): Promise<{ value: T; attempts: number; elapsedMs: number }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const interval = options.intervalMs ?? 1000;
  const start = now();
  let lastError: unknown;
  for (let n = 1; ; n++) {
    options.signal?.throwIfAborted();
    const elapsedMs = now() - start;
    const lastTry = elapsedMs + interval > options.timeoutMs || n === options.maxAttempts;
    const value = await attempt({ attempt: n, elapsedMs, lastTry }).catch((err: unknown) => {
      if (options.transient?.(err) !== true) throw err;
      lastError = err;
      return undefined;
    });
    if (value !== undefined) return { value, attempts: n, elapsedMs: now() - start };
    if (lastTry) {
      const exhausted = {
        what: options.what,
        attempts: n,
        elapsedMs: now() - start,
        limitMs: options.timeoutMs,
      };
      throw (options.onTimeout ?? timedOut)({ ...exhausted, lastError });
    }
    await sleep(interval);
  }
}
