import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalUnitText, normalizeValueWhitespace } from "./canonical.js";
import { applyDropIns } from "./dropins.js";
import { parseUnitFile } from "./parse.js";

const canon = (text: string): string => canonicalUnitText(parseUnitFile(text));

describe("canonicalUnitText", () => {
  it("drops formatting: comments, blank lines, whitespace, continuations, section and key order", () => {
    const a = [
      "# Managed by CoreOps",
      "[Unit]",
      "Description=Immich  server",
      "After=network-online.target",
      "",
      "[Container]",
      "Image=ghcr.io/immich:v1",
      'Environment="TZ=Europe/Berlin" A=1',
      "Volume=data.volume:/data",
      "Volume=/srv/media:/media",
      "[Install]",
      "WantedBy=multi-user.target",
    ].join("\n");
    const b = [
      "[Install]",
      "WantedBy = multi-user.target",
      "[Container]",
      "; volumes first",
      "Volume = data.volume:/data",
      'Environment="TZ=Europe/Berlin"   \\',
      "  # continued",
      "  A=1",
      "Image=ghcr.io/immich:v0",
      "Image=ghcr.io/immich:v1",
      "[Unit]",
      "After=network-online.target",
      "Description=Immich server",
      "[Container]",
      "Volume=/srv/media:/media",
      "",
    ].join("\r\n");
    expect(canon(a)).toBe(canon(b));
    expect(canon(a)).toBe(
      [
        "[Container]",
        'Environment="TZ=Europe/Berlin" A=1',
        "Image=ghcr.io/immich:v1",
        "Volume=data.volume:/data",
        "Volume=/srv/media:/media",
        "[Install]",
        "WantedBy=multi-user.target",
        "[Unit]",
        "After=network-online.target",
        "Description=Immich server",
        "",
      ].join("\n"),
    );
  });

  it("keeps meaning: value order within a list key, quoted whitespace, escapes, resets", () => {
    const base = canon("[Service]\nExecStartPre=/bin/a\nExecStartPre=/bin/b\n");
    expect(canon("[Service]\nExecStartPre=/bin/b\nExecStartPre=/bin/a\n")).not.toBe(base);
    expect(canon('[Container]\nEnvironment="A=x  y"\n')).not.toBe(
      canon('[Container]\nEnvironment="A=x y"\n'),
    );
    expect(canon("[Service]\nExecStart=/bin/echo a\\  b\n")).not.toBe(
      canon("[Service]\nExecStart=/bin/echo a\\ b\n"),
    );
    expect(canon("[Unit]\nAfter=a\nAfter=\nAfter=b\n")).toBe("[Unit]\nAfter=\nAfter=b\n");
    expect(canon("[Unit]\nAfter=b\n")).toBe("[Unit]\nAfter=b\n");
    expect(canon("[Unit]\nDescription=a\nDescription=\n")).toBe("[Unit]\nDescription=\n");
    // unknown keys are lists: a superseded value is a difference (the safe side)
    expect(canon("[Container]\nX-Unknown=a\nX-Unknown=b\n")).not.toBe(canon("[Container]\nX-Unknown=b\n"));
    expect(canon("")).toBe("");
    expect(canon("# only a comment\n[Install]\n")).toBe("");
  });

  it("canonicalizes a unit with drop-ins applied the same as the equivalent single file", () => {
    const merged = applyDropIns(parseUnitFile("[Container]\nImage=a\nVolume=v.volume:/v\n"), [
      parseUnitFile("[Container]\nImage=b\nVolume=w.volume:/w\n"),
    ]);
    expect(canonicalUnitText(merged)).toBe(
      canon("[Container]\nVolume=v.volume:/v\nImage=b\nVolume=w.volume:/w\n"),
    );
  });

  it("normalizeValueWhitespace collapses only unquoted, unescaped blanks", () => {
    expect(normalizeValueWhitespace(`a \t b "c  d" 'e  f'  g\\  h`)).toBe(`a b "c  d" 'e  f' g\\  h`);
  });

  // Property: any meaning-preserving reformatting gives the same canonical text; any change of a
  // value gives a different one.
  const keyArb = fc.constantFrom("After", "Wants", "Environment", "Volume", "Image", "Description", "X-Foo");
  const wordArb = fc.stringMatching(/^[A-Za-z0-9._:/=-]{1,8}$/);
  const valueArb = fc.array(wordArb, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(" "));
  const sectionArb = fc.constantFrom("Unit", "Container", "Service", "Install");
  const entriesArb = fc.array(fc.record({ section: sectionArb, key: keyArb, value: valueArb }), {
    minLength: 1,
    maxLength: 12,
  });

  function render(
    entries: Array<{ section: string; key: string; value: string }>,
    style: { seed: number; nl: string },
  ): string {
    // group by section (header order varies with the seed), keep per-key value order, vary formatting
    const sections = [...new Set(entries.map((e) => e.section))];
    const rotate = style.seed % Math.max(1, sections.length);
    const order = [...sections.slice(rotate), ...sections.slice(0, rotate)];
    const lines: string[] = ["# Managed by CoreOps"];
    order.forEach((s, si) => {
      lines.push(si % 2 === 0 ? `[${s}]` : `  [${s}]  `);
      entries
        .filter((e) => e.section === s)
        .forEach((e, i) => {
          const pad = (style.seed + i) % 3 === 0 ? " " : "";
          if ((style.seed + i) % 4 === 0) lines.push(`; comment ${i}`);
          const words = e.value.split(" ");
          if (words.length > 1 && (style.seed + i) % 2 === 0) {
            lines.push(
              `${e.key}${pad}=${pad}${words[0]}  \\`,
              "# inside",
              `   ${words.slice(1).join("   ")}`,
            );
          } else lines.push(`${pad}${e.key}${pad}=${pad}${words.join(pad ? "  " : " ")}`);
          if (i % 3 === 2) lines.push("");
        });
    });
    return lines.join(style.nl) + style.nl;
  }

  it("property: formatting, comments and section order never change the canonical text", () => {
    fc.assert(
      fc.property(
        entriesArb,
        fc.nat(100),
        fc.nat(100),
        fc.constantFrom("\n", "\r\n"),
        (entries, s1, s2, nl) => {
          expect(canon(render(entries, { seed: s1, nl }))).toBe(
            canon(render(entries, { seed: s2, nl: "\n" })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: changing one value changes the canonical text", () => {
    fc.assert(
      fc.property(entriesArb, fc.nat(), wordArb, fc.nat(100), (entries, pick, extra, seed) => {
        const i = pick % entries.length;
        const target = entries[i];
        if (target === undefined) return;
        // make sure the entry is effective: it is the last one of its key
        const last = entries.filter((e) => e.section === target.section && e.key === target.key).at(-1);
        fc.pre(last === target);
        const changed = entries.map((e, j) => (j === i ? { ...e, value: `${e.value} ${extra}` } : e));
        expect(canon(render(changed, { seed, nl: "\n" }))).not.toBe(
          canon(render(entries, { seed, nl: "\n" })),
        );
      }),
      { numRuns: 300 },
    );
  });
});
