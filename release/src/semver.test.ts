import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bump } from "./bump.js";
import {
  bumpSatisfies,
  classifyTransition,
  effectiveRequirement,
  nextVersion,
  parseVersion,
  type Version,
} from "./semver.js";

const v = (s: string): Version => {
  const p = parseVersion(s);
  if (!p) throw new Error(`not semver: ${s}`);
  return p;
};

describe("SemVer classification", () => {
  it.each([
    ["1.2.3", "2.0.0", "major"],
    ["1.2.3", "1.3.0", "minor"],
    ["1.2.3", "1.2.4", "patch"],
    ["1.2.3", "1.2.3", "none"],
    ["1.2.3-rc.1", "1.2.3", "none"],
    ["0.1.0", "0.2.0", "minor"],
    ["0.1.0", "0.1.1", "patch"],
    ["0.9.4", "1.0.0", "major"],
    ["1.2.3", "1.2.2", "unsupported"],
    ["1.2.3", "1.1.9", "unsupported"],
    ["2.0.0", "1.9.9", "unsupported"],
    ["1.2.3", "2.0.1", "unsupported"],
    ["1.2.3", "2.1.0", "unsupported"],
    ["0.1.3", "0.2.1", "unsupported"],
    ["1.2.3", "1.2.5", "patch"],
  ])("%s → %s is %s", (before, after, expected) => {
    expect(classifyTransition(v(before), v(after))).toBe(expected);
  });

  it("parses only SemVer", () => {
    expect(parseVersion("1.2")).toBeUndefined();
    expect(parseVersion("01.2.3")).toBeUndefined();
    expect(parseVersion("v1.2.3")).toBeUndefined();
    expect(parseVersion("1.2.3-alpha.1+build.5")).toMatchObject({
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: "alpha.1",
    });
  });

  it("while major is 0, a breaking change needs only a minor bump", () => {
    expect(effectiveRequirement("major", v("0.4.2"))).toBe("minor");
    expect(effectiveRequirement("major", v("1.4.2"))).toBe("major");
    expect(bumpSatisfies("minor", "major", v("0.4.2"))).toBe(true);
    expect(bumpSatisfies("patch", "major", v("0.4.2"))).toBe(false);
    expect(bumpSatisfies("minor", "major", v("1.4.2"))).toBe(false);
    expect(bumpSatisfies("major", "patch", v("1.4.2"))).toBe(true);
    expect(bumpSatisfies("unsupported", "patch", v("1.4.2"))).toBe(false);
    expect(nextVersion(v("0.4.2"), "major")).toBe("0.5.0");
    expect(nextVersion(v("1.4.2"), "major")).toBe("2.0.0");
  });

  it("the next version for a requirement is classified as exactly that requirement, and satisfies it", () => {
    const arbVersion = fc.record({
      major: fc.nat(20),
      minor: fc.nat(20),
      patch: fc.nat(20),
      prerelease: fc.constant(undefined),
    });
    const arbBump = fc.constantFrom<Bump>("patch", "minor", "major");
    fc.assert(
      fc.property(arbVersion, arbBump, (before, bump) => {
        const next = v(nextVersion(before, bump));
        const t = classifyTransition(before, next);
        expect(t).toBe(effectiveRequirement(bump, before));
        expect(bumpSatisfies(t, bump, before)).toBe(true);
      }),
    );
  });
});
