import { describe, expect, it } from "vitest";
import { isFragmentPath, parseFragment } from "./fragment.js";

const P = "changes/0009-x.md";
const errorsOf = (text: string) => {
  const r = parseFragment(P, text);
  if (r.ok) throw new Error("expected a parse failure");
  return r.errors.map((e) => e.describe());
};

describe("parseFragment", () => {
  it("reads the front matter this project uses (a blank line after the opening --- is fine)", () => {
    const r = parseFragment(
      P,
      "---\n\nchange_id: 0009-x\nrelease_intent: minor\nsummary: '  Does X.  '\n---\n\nBody.\n\n### Fixed\n\n- X works.\n  Really.\n",
    );
    expect(r).toEqual({
      ok: true,
      fragment: {
        path: P,
        change_id: "0009-x",
        release_intent: "minor",
        summary: "Does X.",
        release_preparation: false,
        entries: [{ kind: "Fixed", lines: ["- X works.", "  Really."] }],
      },
    });
  });

  it("accepts release_preparation and scope, CRLF line ends and no body", () => {
    const r = parseFragment(
      P,
      "---\r\nchange_id: 0009-x\r\nrelease_intent: patch\r\nsummary: s\r\nrelease_preparation: true\r\nscope: agent\r\n---\r\n",
    );
    expect(r.ok && r.fragment).toMatchObject({ release_preparation: true, scope: "agent" });
  });

  it("requires front matter", () => {
    expect(errorsOf("# Just text\n")).toEqual([
      "changes/0009-x.md:1: does not start with YAML front matter; begin the file with a '---' line, the fields, and a closing '---' line (see changes/README.md)",
    ]);
    expect(errorsOf("---\nchange_id: 0009-x\n")).toEqual([
      "changes/0009-x.md:1: front matter is not closed; add a '---' line after the last field",
    ]);
  });

  it("names missing and invalid fields with their lines", () => {
    expect(errorsOf("---\nchange_id: 0009-x\nsummary: s\n---\n")).toEqual([
      "changes/0009-x.md: release_intent is missing (release_intent); set release_intent: patch | minor | major (see changes/README.md)",
    ]);
    const bad = errorsOf(
      "---\nchange_id: 0009-x\nrelease_intent: huge\nsummary: s\nrelease_preparation: yes please\n---\n",
    );
    expect(bad).toHaveLength(2);
    expect(bad[0]).toMatch(
      /^changes\/0009-x\.md:3: release_intent: invalid option: .*"patch".*\(release_intent\); set release_intent/,
    );
    expect(bad[1]).toMatch(
      /^changes\/0009-x\.md:5: release_preparation: invalid input: expected boolean.*\(release_preparation\); use release_preparation: true or false$/,
    );
  });

  it("rejects unknown fields (a typo must not silently drop the intent)", () => {
    expect(
      errorsOf("---\nchange_id: 0009-x\nrelease_intent: minor\nsummary: s\nrelase_preparation: true\n---\n"),
    ).toEqual([
      "changes/0009-x.md:5: unknown field 'relase_preparation' (relase_preparation); the fields are change_id, release_intent, summary, release_preparation and scope",
    ]);
  });

  it("reports YAML syntax errors at the file's line", () => {
    const e = errorsOf("---\nchange_id: 0009-x\nrelease_intent: [minor\nsummary: s\n---\n");
    expect(e[0]).toMatch(/^changes\/0009-x\.md:\d+: front matter is not valid YAML: /);
  });

  it("requires change_id to equal the file name and summary to be non-blank", () => {
    expect(errorsOf("---\nchange_id: 0008-y\nrelease_intent: minor\nsummary: s\n---\n")).toEqual([
      "changes/0009-x.md:2: change_id '0008-y' does not equal the file name '0009-x' (change_id); set change_id: 0009-x, or rename the file to changes/0008-y.md",
    ]);
    expect(errorsOf("---\nchange_id: 0009-x\nrelease_intent: minor\nsummary: ''\n---\n")).toEqual([
      "changes/0009-x.md:4: summary: must not be blank (summary); write one line saying what changed for users",
    ]);
  });

  it("reads Keep a Changelog entries from the body and names bad ones with their lines", () => {
    const r = parseFragment(
      P,
      "---\nchange_id: 0009-x\nrelease_intent: minor\nsummary: s\n---\n\nWhy.\n\n### Added\n\n- A.\n- B\n  continued.\n\n### Security\n\n- C.\n",
    );
    expect(r.ok && r.fragment.entries).toEqual([
      { kind: "Added", lines: ["- A."] },
      { kind: "Added", lines: ["- B", "  continued."] },
      { kind: "Security", lines: ["- C."] },
    ]);
    expect(
      errorsOf("---\nchange_id: 0009-x\nrelease_intent: minor\nsummary: s\n---\n\n### Improved\n\n- A.\n"),
    ).toEqual([
      "changes/0009-x.md:7: '### Improved' is not a Keep a Changelog kind; use one of ### Added, ### Changed, ### Deprecated, ### Removed, ### Fixed, ### Security",
    ]);
    expect(
      errorsOf(
        "---\nchange_id: 0009-x\nrelease_intent: minor\nsummary: s\n---\n\n### Added\n\nLoose text.\n",
      ),
    ).toEqual([
      "changes/0009-x.md:9: text under '### Added' is neither a bullet ('- ') nor an indented continuation; write every entry as a '- ' bullet; put explanations above the first ### heading",
    ]);
    expect(
      errorsOf("---\nchange_id: 0009-x\nrelease_intent: minor\nsummary: s\n---\n\nOnly prose.\n"),
    ).toEqual([
      "changes/0009-x.md:5: proposes no CHANGELOG.md entry; add a '### Added' (Changed, Deprecated, Removed, Fixed, Security) heading with '- ' bullets below the front matter",
    ]);
  });

  it("knows which paths are fragments", () => {
    expect(isFragmentPath("changes/0009-x.md")).toBe(true);
    expect(isFragmentPath("changes/README.md")).toBe(false);
    expect(isFragmentPath("changes/sub/0009-x.md")).toBe(false);
    expect(isFragmentPath("changes/0009-x.txt")).toBe(false);
  });
});
