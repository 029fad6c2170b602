import { describe, expect, it } from "vitest";
import { ScenarioTimeout } from "../run/errors.js";
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
  it("returns as soon as the check holds", async () => {
    let n = 0;
    const r = await retry(async () => ++n === 3, { timeoutMs: 10_000, what: "x", ...fakeClock() });
    expect(r.attempts).toBe(3);
  });

  it("gives the check a last try and names elapsed and configured time", async () => {
    const seen: boolean[] = [];
    const err = await retry(
      async (last) => {
        seen.push(last);
        return false;
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
});
