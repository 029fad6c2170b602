/**
 * The one retry primitive (NixOS `retry`): calls `check(lastTry)` until it returns true or the time is
 * up. `check` should describe what it saw when `lastTry` is true; the timeout error names the elapsed
 * and the configured time.
 */
import { ScenarioTimeout } from "../run/errors.js";

export interface RetryOptions {
  timeoutMs: number;
  intervalMs?: number;
  what: string;
  signal?: AbortSignal;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function retry(
  check: (lastTry: boolean) => Promise<boolean>,
  options: RetryOptions,
): Promise<{ attempts: number; elapsedMs: number }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const interval = options.intervalMs ?? 1000;
  const start = now();
  let attempts = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const elapsed = now() - start;
    const lastTry = elapsed + interval > options.timeoutMs;
    attempts += 1;
    if (await check(lastTry)) return { attempts, elapsedMs: now() - start };
    if (lastTry) {
      const total = now() - start;
      throw new ScenarioTimeout(
        `${options.what}: still not true after ${(total / 1000).toFixed(1)} s (${attempts} attempts; limit ${(options.timeoutMs / 1000).toFixed(1)} s)`,
        total,
        options.timeoutMs,
      );
    }
    await sleep(interval);
  }
}
