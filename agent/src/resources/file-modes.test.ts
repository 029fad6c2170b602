import { describe, expect, it } from "vitest";
import { effectiveMode } from "./file-modes.js";

describe("effectiveMode", () => {
  it("a new file gets the default", () => {
    expect(effectiveMode({ declared: null, fallback: 0o644, existing: null })).toBe(0o644);
    expect(effectiveMode({ declared: null, fallback: 0o755, existing: null })).toBe(0o755);
  });
  it("never grants group or other a permission the existing file lacks", () => {
    expect(effectiveMode({ declared: null, fallback: 0o644, existing: 0o600 })).toBe(0o600);
    expect(effectiveMode({ declared: null, fallback: 0o644, existing: 0o640 })).toBe(0o640);
    expect(effectiveMode({ declared: null, fallback: 0o755, existing: 0o700 })).toBe(0o700);
    expect(effectiveMode({ declared: null, fallback: 0o644, existing: 0o4777 })).toBe(0o644);
  });
  it("owner bits follow the default (a file made executable in the repository stays usable)", () => {
    expect(effectiveMode({ declared: null, fallback: 0o755, existing: 0o600 })).toBe(0o700);
    expect(effectiveMode({ declared: null, fallback: 0o644, existing: 0o000 })).toBe(0o600);
  });
  it("a declared mode wins outright", () => {
    expect(effectiveMode({ declared: 0o600, fallback: 0o644, existing: 0o666 })).toBe(0o600);
    expect(effectiveMode({ declared: 0o664, fallback: 0o644, existing: 0o600 })).toBe(0o664);
  });
});
