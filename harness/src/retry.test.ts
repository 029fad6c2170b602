import { describe, expect, it } from "vitest";
import { InfraError, ScenarioTimeout } from "./faults.js";
import { retry } from "./retry.js";

function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

describe("retry", () => {
  it("returns the first value an attempt gives", async () => {
    let n = 0;
    const r = await retry(async () => (++n === 3 ? "up" : undefined), {
      timeoutMs: 10_000,
      what: "x",
      ...fakeClock(),
    });
    expect(r).toMatchObject({ value: "up", attempts: 3, elapsedMs: 2_000 });
  });

  it("gives the attempt a last try and names elapsed and configured time", async () => {
    const seen: boolean[] = [];
    const err = await retry(
      async ({ lastTry }) => {
        seen.push(lastTry);
        return undefined;
      },
      { timeoutMs: 5_000, intervalMs: 1_000, what: "waiting for x", ...fakeClock() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioTimeout);
    expect((err as Error).message).toMatch(
      /waiting for x: still not true after 5\.0 s \(6 attempts; limit 5\.0 s\)/,
    );
    expect(seen.at(-1)).toBe(true);
    expect(seen.filter(Boolean)).toHaveLength(1);
  });

  it("keeps a transient error as the last error and hands it to onTimeout", async () => {
    const err = await retry(
      async () => {
        throw new Error("connection refused");
      },
      {
        timeoutMs: 3_000,
        intervalMs: 500,
        what: "ssh",
        transient: () => true,
        onTimeout: (e) =>
          new InfraError(`${e.what} after ${e.elapsedMs} ms: ${(e.lastError as Error).message}`),
        ...fakeClock(),
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toBe("ssh after 3000 ms: connection refused");
  });

  it("ends the wait at once on an error that is not transient", async () => {
    let n = 0;
    const err = await retry(
      async () => {
        n += 1;
        throw new TypeError("x is not a function");
      },
      { timeoutMs: 60_000, what: "x", transient: (e) => !(e instanceof TypeError), ...fakeClock() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(n).toBe(1);
  });

  it("stops after maxAttempts, and waits without a time limit when told to", async () => {
    let n = 0;
    const err = await retry(async () => void n++, {
      timeoutMs: Number.POSITIVE_INFINITY,
      maxAttempts: 4,
      what: "rounds",
      ...fakeClock(),
    }).catch((e: unknown) => e);
    expect(n).toBe(4);
    expect((err as Error).message).toMatch(
      /^rounds: still not true after 3\.0 s \(4 attempts; limit Infinity s\)/,
    );
  });
});
