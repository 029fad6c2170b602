import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CoreOpsError } from "../errors.js";
import { escapePath, isValidUnitName, unescapePath, unitNameForPath, unitNameKind } from "./escape.js";

/** The oracle: the real binary on this machine. Missing binary → the tests fail, loudly. */
const SYSTEMD_ESCAPE = "/usr/bin/systemd-escape";

function requireOracle(): void {
  if (!existsSync(SYSTEMD_ESCAPE)) {
    throw new Error(`${SYSTEMD_ESCAPE} is missing: install the 'systemd' package (apt-get install systemd)`);
  }
}

/** `systemd-escape --path -- p1 p2 …` in one process; the binary prints the results space-separated. */
function oracleEscapeMany(paths: string[]): string[] {
  const out = execFileSync(SYSTEMD_ESCAPE, ["--path", "--", ...paths], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const results = out.replace(/\n$/, "").split(" ");
  expect(results).toHaveLength(paths.length);
  return results;
}

/** One path; `undefined` when the binary refuses it. */
function oracleEscapeOne(path: string): string | undefined {
  const r = spawnSync(SYSTEMD_ESCAPE, ["--path", "--", path], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.replace(/\n$/, "") : undefined;
}

function ourEscape(path: string): string | undefined {
  try {
    return escapePath(path);
  } catch (e) {
    if (e instanceof CoreOpsError && e.code === "invalid_path") return undefined;
    throw e;
  }
}

/** Compare a batch: the ones we accept in one process call, the ones we refuse one by one. */
function compareWithOracle(paths: string[]): void {
  const accepted = paths.filter((p) => ourEscape(p) !== undefined);
  const refused = paths.filter((p) => ourEscape(p) === undefined);
  if (accepted.length > 0) {
    const expected = oracleEscapeMany(accepted);
    expect(accepted.map((p) => [p, escapePath(p)])).toEqual(accepted.map((p, i) => [p, expected[i]]));
  }
  for (const p of refused) expect([p, oracleEscapeOne(p)]).toEqual([p, undefined]);
}

/** `systemd-escape --unescape --instance NAME` fails with "Failed to extract instance" exactly for invalid names. */
function oracleNameIsValid(name: string): boolean {
  const r = spawnSync(SYSTEMD_ESCAPE, ["--unescape", "--instance", "--", name], { encoding: "utf8" });
  if (r.status === 0) return true;
  if (r.stderr.includes("missing the instance name")) return true;
  // The name was valid and the instance was extracted; only unescaping the instance text failed.
  if (r.stderr.includes("Failed to unescape string")) return true;
  if (r.stderr.includes("Failed to extract instance")) return false;
  throw new Error(`unexpected systemd-escape answer for ${JSON.stringify(name)}: ${r.stderr}`);
}

// Components built from the interesting alphabet: spaces, dashes, unicode, dots, escapes, specials.
const charArb = fc.oneof(
  fc.constantFrom("a", "Z", "0", "9", "-", ".", "_", ":", " ", "\\", "@", "~", "%", "+", "'", '"'),
  fc.constantFrom("ü", "é", "ß", "日本", "🙂", "\t", "x2d", "\\x2d", "..", "\u00a0"),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
);
const componentArb = fc.array(charArb, { minLength: 1, maxLength: 8 }).map((cs) => cs.join(""));
const slashesArb = fc.constantFrom("/", "/", "/", "//", "///", "/./");
const pathArb = fc
  .tuple(
    fc.constantFrom("", "/", "//", "./"),
    fc.array(fc.tuple(componentArb, slashesArb), { minLength: 0, maxLength: 6 }),
    fc.constantFrom("", "/", "//"),
  )
  .map(([lead, parts, trail]) => {
    const body = parts.map(([c, s], i) => (i === parts.length - 1 ? c : c + s)).join("");
    return lead + body + trail;
  });
// Fully arbitrary Unicode text (no NUL: it cannot be passed as an argument).
const anyTextArb = fc.string({ unit: "grapheme", maxLength: 30 }).filter((s) => !s.includes("\0"));

describe("escapePath (oracle: systemd-escape --path)", () => {
  it("the oracle binary is installed", () => {
    requireOracle();
  });

  it("matches the binary on a hand-picked set of edge cases", () => {
    requireOracle();
    compareWithOracle([
      "/",
      "",
      "//",
      "/.",
      "/./",
      "/var/lib/immich/media",
      "/var/lib/immich/media/",
      "//var///lib//x//",
      "relative/path",
      "./x",
      "x/.",
      ".",
      "./",
      "..",
      "/..",
      "a/../b",
      "/...",
      "/.hidden/x",
      "/x/.hidden",
      "/-",
      "/a-b/c d",
      "/ü/日本/🙂",
      "/a\\b",
      "/a:b_c.d",
      "/mnt/x\\x2dy",
      `/${"a".repeat(255)}`,
      `/${"a".repeat(256)}`,
      `/${"ü".repeat(127)}b`,
      `/${"ü".repeat(128)}`,
      `/${"a/".repeat(2047)}`,
      `/${"a/".repeat(2047)}a`,
      `/${"a/".repeat(2048)}`,
    ]);
  });

  it("property: matches the binary for generated paths (spaces, dashes, unicode, dots, slashes)", () => {
    requireOracle();
    fc.assert(
      fc.property(fc.array(pathArb, { minLength: 100, maxLength: 150 }), (paths) => compareWithOracle(paths)),
      { numRuns: 25 },
    );
  });

  it("property: matches the binary for arbitrary Unicode strings", () => {
    requireOracle();
    fc.assert(
      fc.property(fc.array(anyTextArb, { minLength: 100, maxLength: 150 }), (paths) =>
        compareWithOracle(paths),
      ),
      { numRuns: 10 },
    );
  });

  it("unescapePath inverts escapePath for absolute paths (as systemd-escape --unescape --path does)", () => {
    requireOracle();
    const absolute = fc
      .array(pathArb, { minLength: 100, maxLength: 100 })
      .map((ps) => ps.map((p) => `/${p}`).filter((p) => ourEscape(p) !== undefined));
    fc.assert(
      fc.property(absolute, (paths) => {
        if (paths.length === 0) return;
        const names = paths.map((p) => escapePath(p));
        const out = execFileSync(SYSTEMD_ESCAPE, ["--unescape", "--path", "--", ...names], {
          encoding: "utf8",
        });
        const expected = out.replace(/\n$/, "").split("\n").join(" ");
        // the binary separates its results by spaces; unescaped paths may contain spaces themselves
        expect(names.map((n) => unescapePath(n)).join(" ")).toBe(expected);
      }),
      { numRuns: 10 },
    );
  });

  it("unescapePath refuses what systemd refuses", () => {
    for (const bad of ["", "a-", "-a", "a--b", "a\\x2", "a\\y00", "a-.-b", "a-..-b", "a".repeat(256)]) {
      expect(() => unescapePath(bad)).toThrow(CoreOpsError);
      const r = spawnSync(SYSTEMD_ESCAPE, ["--unescape", "--path", "--", bad], { encoding: "utf8" });
      expect([bad, r.status]).toEqual([bad, 1]);
    }
    // Deviation: systemd prints raw non-UTF-8 bytes; a JS string cannot hold them, so we refuse.
    expect(() => unescapePath("\\xff")).toThrow(/not UTF-8/);
    expect(unescapePath("-")).toBe("/");
    expect(unescapePath("a".repeat(255))).toBe(`/${"a".repeat(255)}`);
    expect(unescapePath("var-lib-a\\x20b")).toBe("/var/lib/a b");
  });

  it("errors say why and what to do", () => {
    try {
      escapePath("/a/../b");
      expect.unreachable("escapePath accepted '..'");
    } catch (e) {
      expect(e).toBeInstanceOf(CoreOpsError);
      const err = e as CoreOpsError;
      expect(err.code).toBe("invalid_path");
      expect(err.message).toBe("cannot escape path '/a/../b': contains a '..' component");
      expect(err.hint).toBe("write the path without '..' components");
    }
  });
});

describe("unitNameForPath", () => {
  it("derives mount and automount names", () => {
    expect(unitNameForPath("/var/lib/immich/media", "mount")).toBe("var-lib-immich-media.mount");
    expect(unitNameForPath("/srv/nfs-share/", "automount")).toBe("srv-nfs\\x2dshare.automount");
    expect(unitNameForPath("/", "mount")).toBe("-.mount");
  });

  it("refuses relative paths and names longer than 255 bytes", () => {
    expect(() => unitNameForPath("var/lib", "mount")).toThrow(/not an absolute path/);
    expect(() => unitNameForPath(`/${"a".repeat(250)}`, "automount")).toThrow(/longer than 255/);
    expect(unitNameForPath(`/${"a".repeat(249)}`, "mount")).toHaveLength(255);
  });
});

describe("isValidUnitName (oracle: systemd-escape --unescape --instance)", () => {
  const table: Array<[string, boolean]> = [
    ["foo.service", true],
    ["foo@.service", true],
    ["foo@bar.service", true],
    ["foo@a@b.service", true],
    ["var-lib-immich-media.mount", true],
    ["srv-nfs\\x2dshare.automount", true],
    ["-.mount", true],
    ["a:b_c.d-e.socket", true],
    ["x.timer", true],
    ["a@\\.service", true],
    ["bad\\escape.service", true],
    ["x.path", true],
    ["x.target", true],
    ["x.slice", true],
    ["x.scope", true],
    ["x.swap", true],
    ["x.device", true],
    ["@foo.service", false],
    ["@.service", false],
    ["foo", false],
    ["foo.", false],
    [".service", false],
    ["foo.bar", false],
    ["foo.Service", false],
    ["foo.container", false],
    ["a b.service", false],
    ["é.service", false],
    ["foo/bar.service", false],
    ["", false],
    [`${"a".repeat(247)}.service`, true],
    [`${"a".repeat(248)}.service`, false],
  ];

  it("agrees with the table and with the binary on every table entry", () => {
    requireOracle();
    for (const [name, valid] of table) {
      expect([name, isValidUnitName(name)]).toEqual([name, valid]);
      if (name !== "") expect([name, oracleNameIsValid(name)]).toEqual([name, valid]);
    }
  });

  it("classifies plain, instance and template names", () => {
    expect(unitNameKind("a.service")).toBe("plain");
    expect(unitNameKind("a@b.service")).toBe("instance");
    expect(unitNameKind("a@.service")).toBe("template");
    expect(unitNameKind("a@.container", ["container"])).toBe("template");
    expect(unitNameKind("@.service")).toBeUndefined();
  });

  it("every name systemd-escape --path produces is a valid .mount name, and the binary agrees", () => {
    requireOracle();
    fc.assert(
      fc.property(fc.array(pathArb, { minLength: 30, maxLength: 30 }), (paths) => {
        const names = paths
          .map((p) => ourEscape(`/${p}`))
          .filter((n): n is string => n !== undefined && n.length <= 249)
          .map((n) => `${n}.mount`);
        for (const n of names) expect([n, isValidUnitName(n)]).toEqual([n, true]);
      }),
      { numRuns: 20 },
    );
  });

  it("property: agrees with the binary on generated names", () => {
    requireOracle();
    const nameArb = fc
      .tuple(
        fc.array(fc.constantFrom("a", "Z", "1", "-", "_", ":", ".", "@", "\\", " ", "ü", "/", "x2d"), {
          maxLength: 6,
        }),
        fc.constantFrom(".service", ".mount", ".automount", ".container", ".Service", "", "."),
      )
      .map(([cs, suffix]) => cs.join("") + suffix)
      .filter((n) => n !== "");
    fc.assert(
      fc.property(nameArb, (name) => {
        expect([name, isValidUnitName(name)]).toEqual([name, oracleNameIsValid(name)]);
      }),
      { numRuns: 120 },
    );
  });
});
