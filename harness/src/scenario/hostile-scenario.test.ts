/**
 * Hostile scenario documents: every one is rejected when the file is loaded, with the file, line and field,
 * and says what is wrong — never a bare exception, never "required but missing" for a field that is there.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScenarioLoadError, type ScenarioProblem } from "./errors.js";
import { loadScenarioFile, parseScenario } from "./loader.js";

const VALID = `scenario_id: demo
title: Demo
description: A demo.
scenario_classes: [idempotency]
source: accepted
behavioral_claim: claim
rationale: why
environment:
  profile: single-blessed-vm
fixtures:
  repo_fixture: fx
  revision_under_test: v1
steps:
  - step_id: apply
    step_type: coreops_action
    action: { action: apply, mode: json }
assertions:
  - assertion_id: a1
    assertion_type: json_path
    target: apply
    path: outcome
    matches: ^converged
`;

function problems(text: string): ScenarioProblem[] {
  try {
    parseScenario(text, "s.yaml");
  } catch (err) {
    if (err instanceof ScenarioLoadError) return err.problems;
    throw err;
  }
  throw new Error("expected the scenario to be rejected");
}

describe("wrong types are reported as wrong types", () => {
  it.each([
    ["title: Demo", "title: [a, b]", "title", "must be a string (found a list)"],
    [
      "scenario_classes: [idempotency]",
      "scenario_classes: 5",
      "scenario_classes",
      "must be a list (found a number)",
    ],
    [
      "environment:\n  profile: single-blessed-vm",
      "environment: yes",
      "environment",
      "must be a mapping (found a string)",
    ],
    [
      "  revision_under_test: v1",
      "  revision_under_test: 7",
      "fixtures.revision_under_test",
      "must be a string (found a number)",
    ],
    ["- step_id: apply", "- step_id: {a: 1}", "steps[0].step_id", "must be a string (found a mapping)"],
    ["title: Demo", "title: ~", "title", "must be a string (found nothing (null))"],
  ])("%s → %s", (from, to, field, message) => {
    const p = problems(VALID.replace(from, to));
    expect(p).toContainEqual(expect.objectContaining({ field, message }));
    expect(p.map((x) => x.message)).not.toContain("is required but missing");
  });

  it("a document that is not a mapping says so", () => {
    expect(problems("- a\n- b\n")[0]).toMatchObject({
      line: 1,
      message: "must be a mapping of scenario fields (found a list)",
    });
    expect(problems("")[0]?.message).toBe("must be a mapping of scenario fields (found nothing (null))");
  });

  it("a missing field is still reported as missing", () => {
    expect(problems(VALID.replace("title: Demo\n", ""))[0]).toMatchObject({
      field: "title",
      message: "is required but missing",
    });
  });
});

describe("an alias bomb", () => {
  it("is a load error naming the line of the first alias, not an exception", () => {
    const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i <= 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(",")}]`,
      );
    const p = problems(`${lines.join("\n")}\n${VALID}`);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ file: "s.yaml", line: 2 });
    expect(p[0]?.message).toMatch(/^YAML aliases cannot be expanded/);
  });
});

describe("values the run could not use are rejected at load", () => {
  it("an invalid matches: regex", () => {
    const p = problems(VALID.replace("matches: ^converged", 'matches: "(unclosed"'));
    expect(p[0]).toMatchObject({ line: 22, field: "assertions[0].matches" });
    expect(p[0]?.message).toMatch(/^is not a valid regular expression: .*Unterminated group/);
  });

  it("an invalid JSON path", () => {
    const p = problems(VALID.replace("path: outcome", 'path: "a..b"'));
    expect(p[0]).toMatchObject({ line: 21, field: "assertions[0].path" });
    expect(p[0]?.message).toContain("invalid JSON path");
  });

  it.each([
    ["0", "    timeout_override: 0"],
    ['"0s"', '    timeout_override: "0s"'],
    ['"0ms"', '    timeout_override: "0ms"'],
    ['"0m"', '    timeout_override: "0m"'],
    ["-5", "    timeout_override: -5"],
    ['"99999999m" (beyond what a timer can wait)', '    timeout_override: "99999999m"'],
  ])("a timeout of %s", (_, line) => {
    const p = problems(
      VALID.replace(
        "    action: { action: apply, mode: json }",
        `    action: { action: apply, mode: json }\n${line}`,
      ),
    );
    expect(p).toEqual([
      expect.objectContaining({
        line: 17,
        field: "steps[0].timeout_override",
        message: "a duration must be more than zero and at most 24 hours",
      }),
    ]);
  });

  it("a zero scenario or readiness timeout", () => {
    const p = problems(
      `${VALID}policy_overrides:\n  timeouts:\n    scenario_timeout: "0s"\n    readiness_timeout: 0\n    per_step_defaults: { boot: "0ms" }\n`,
    );
    expect(p.map((x) => x.field)).toEqual([
      "policy_overrides.timeouts.scenario_timeout",
      "policy_overrides.timeouts.readiness_timeout",
      "policy_overrides.timeouts.per_step_defaults.boot",
    ]);
  });
});

describe("fixtures are confined to repos/", () => {
  let dir: string;
  let repos: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "core-ops-scenario-fx-"));
    repos = join(dir, "repos");
    mkdirSync(join(repos, "fx"), { recursive: true });
    mkdirSync(join(repos, "hist", "v1"), { recursive: true });
    mkdirSync(join(dir, "outside", "v1"), { recursive: true });
    symlinkSync(join(dir, "outside"), join(repos, "escape"));
    symlinkSync("../../outside/v1", join(repos, "hist", "v2"));
    symlinkSync("fx", join(repos, "alias"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function loadProblems(text: string): Promise<ScenarioProblem[]> {
    const file = join(dir, "s.yaml");
    writeFileSync(file, text);
    try {
      await loadScenarioFile(file, { reposRoot: repos });
    } catch (err) {
      if (err instanceof ScenarioLoadError) return err.problems;
      throw err;
    }
    return [];
  }

  it.each([
    ["../outside", "a '..' segment"],
    ["fx/../../outside", "'..' in the middle"],
    ["/etc", "an absolute path"],
    ["./fx", "a '.' segment"],
    ["fx/", "a trailing slash"],
  ])("rejects repo_fixture %s (%s), naming the field", async (value) => {
    const p = await loadProblems(VALID.replace("repo_fixture: fx", `repo_fixture: "${value}"`));
    expect(p).toEqual([expect.objectContaining({ line: 11, field: "fixtures.repo_fixture" })]);
    expect(p[0]?.message).toMatch(/relative to repos\//);
  });

  it("rejects a repo_fixture that leaves repos/ through a symlink", async () => {
    const p = await loadProblems(VALID.replace("repo_fixture: fx", "repo_fixture: escape/v1"));
    expect(p).toEqual([expect.objectContaining({ line: 11, field: "fixtures.repo_fixture" })]);
    expect(p[0]?.message).toMatch(/^repos\/escape\/v1 leaves repos\/ through a symlink/);
  });

  it("rejects a history revision that leaves repos/ through a symlink, and a history_fixture with '..'", async () => {
    const evo = (h: string) =>
      VALID.replace(
        "  revision_under_test: v1",
        `  repository_evolution: { history_fixture: "${h}", revisions: [v1, v2] }\n  revision_under_test: v1`,
      );
    const p = await loadProblems(evo("hist"));
    expect(p).toEqual([expect.objectContaining({ field: "fixtures.repository_evolution.revisions[1]" })]);
    expect(p[0]?.message).toMatch(/^repos\/hist\/v2 leaves repos\//);
    const q = await loadProblems(evo("../outside"));
    expect(q).toEqual([expect.objectContaining({ field: "fixtures.repository_evolution.history_fixture" })]);
  });

  it("rejects a fixture that does not exist, and accepts a symlink that stays inside repos/", async () => {
    const p = await loadProblems(VALID.replace("repo_fixture: fx", "repo_fixture: nope"));
    expect(p).toEqual([
      expect.objectContaining({ field: "fixtures.repo_fixture", message: "repos/nope does not exist" }),
    ]);
    expect(await loadProblems(VALID.replace("repo_fixture: fx", "repo_fixture: alias"))).toEqual([]);
  });
});
