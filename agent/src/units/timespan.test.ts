import { describe, expect, it } from "vitest";
import { parseTimespanMs } from "./timespan.js";

describe("systemd time spans", () => {
  it("reads what systemctl show prints and what unit files accept", () => {
    expect(parseTimespanMs("1min 30s")).toBe(90_000);
    expect(parseTimespanMs("10s")).toBe(10_000);
    expect(parseTimespanMs("10")).toBe(10_000);
    expect(parseTimespanMs("500ms")).toBe(500);
    expect(parseTimespanMs("1h 2min 3s 4ms")).toBe(3_723_004);
    expect(parseTimespanMs("2.5s")).toBe(2500);
    expect(parseTimespanMs("infinity")).toBe(Number.POSITIVE_INFINITY);
  });
  it("rejects what is not a time span", () => {
    expect(parseTimespanMs("")).toBeNull();
    expect(parseTimespanMs("soon")).toBeNull();
    expect(parseTimespanMs("10 parsecs")).toBeNull();
    expect(parseTimespanMs("-5s")).toBeNull();
  });
});
