import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioLoadError } from "./errors.js";
import { loadScenarioFile, parseScenario } from "./loader.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");

const VALID = `# yaml-language-server: $schema=../harness/scenario.schema.json
scenario_id: demo
title: Demo
description: A demo.
scenario_classes: [idempotency]
source: accepted
behavioral_claim: claim
rationale: why
environment:
  profile: single-blessed-vm
fixtures:
  repo_fixture: frontend-history/v1
  revision_under_test: v1
steps:
  - step_id: apply
    step_type: coreops_action
    action: { action: apply, mode: json }
assertions:
  - assertion_id: a1
    assertion_type: step_exit_code_is
    target: apply
    expected_state: 0
`;

function problems(text: string) {
  try {
    parseScenario(text, "s.yaml");
  } catch (err) {
    if (err instanceof ScenarioLoadError) return err.problems;
    throw err;
  }
  throw new Error("expected the scenario to be rejected");
}

describe("scenario loader", () => {
  it("loads every scenario of the corpus", async () => {
    const dir = join(ROOT, "scenarios");
    const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const loaded = await loadScenarioFile(join(dir, f));
      expect(loaded.scenario.scenario_id).toMatch(/^verify-/);
      expect(loaded.text.startsWith("# yaml-language-server: $schema=../harness/scenario.schema.json")).toBe(
        true,
      );
    }
  });

  it("applies defaults (step target guest)", () => {
    const { scenario } = parseScenario(VALID, "s.yaml");
    expect(scenario.steps[0]?.target).toBe("guest");
    expect(scenario.fixtures.config_inputs).toEqual([]);
  });

  it("names file, line and field of an unknown key", () => {
    const p = problems(
      VALID.replace("    step_type: coreops_action", "    step_type: coreops_action\n    acton: x"),
    );
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({
      file: "s.yaml",
      line: 17,
      field: "steps[0].acton",
      message: "is not a known field",
    });
  });

  it("names the line of a bad enum value", () => {
    const p = problems(VALID.replace("scenario_classes: [idempotency]", "scenario_classes: [idempotence]"));
    expect(p[0]).toMatchObject({ line: 5, field: "scenario_classes[0]" });
    expect(p[0]?.message).toContain('"idempotency"');
  });

  it("names the parent's line for a missing field", () => {
    const p = problems(VALID.replace("  revision_under_test: v1\n", ""));
    expect(p[0]).toMatchObject({
      line: 12,
      field: "fixtures.revision_under_test",
      message: "is required but missing",
    });
  });

  it("rejects a step_* assertion naming a step that does not exist, at load time", () => {
    const p = problems(VALID.replace("    target: apply", "    target: aply"));
    expect(p[0]).toMatchObject({ line: 21, field: "assertions[0].target" });
    expect(p[0]?.message).toContain('"aply"');
    expect(p[0]?.hint).toContain("apply");
  });

  it("requires an action on coreops_action steps and a command on guest_command steps", () => {
    const p = problems(VALID.replace("    action: { action: apply, mode: json }", "    command: ls"));
    expect(p.map((x) => x.message)).toEqual([
      'step "apply" is a coreops_action but has no `action`',
      "`command` only belongs to guest_command and mutate_state steps, not coreops_action",
    ]);
  });

  it("checks fixture_ref moves: mutate_state only, not with a command, a known revision", () => {
    const history = VALID.replace(
      "  revision_under_test: v1",
      "  repository_evolution: { history_fixture: h, revisions: [v1, v2] }\n  revision_under_test: v1",
    );
    const move = (extra: string) =>
      history.replace(
        "    action: { action: apply, mode: json }",
        `    action: { action: apply, mode: json }\n  - step_id: push\n    step_type: mutate_state\n${extra}`,
      );
    expect(() =>
      parseScenario(move("    fixture_ref: { ref: main, revision: v2 }\n"), "s.yaml"),
    ).not.toThrow();
    expect(problems(move("    fixture_ref: { ref: main, revision: v9 }\n"))[0]).toMatchObject({
      field: "steps[1].fixture_ref.revision",
    });
    expect(
      problems(move("    fixture_ref: { ref: main, revision: v2 }\n    command: ls\n")).map((x) => x.message),
    ).toEqual(['step "push" has both `fixture_ref` and `command`']);
  });

  it("requires a host for an installation through Ignition", () => {
    const text = VALID.replace(
      "steps:",
      "installation: { via: ignition, ref: main, at: v1, schedule: { on_boot_sec: 60s, on_unit_active_sec: 20s } }\nsteps:",
    );
    expect(problems(text)[0]?.message).toContain("needs the scenario's `host`");
    expect(() => parseScenario(text.replace("steps:", "host: h1\nsteps:"), "s.yaml")).not.toThrow();
  });

  it("rejects an until step that does not come after the since step", () => {
    const text = VALID.replace(
      "assertions:",
      "  - step_id: later\n    step_type: guest_command\n    command: 'true'\nassertions:\n  - assertion_id: u1\n    assertion_type: unit_state\n    unit: x.service\n    changed_since: { step: later, until: apply, properties: [InvocationID] }",
    );
    expect(problems(text)[0]).toMatchObject({ field: "assertions[0].changed_since.until" });
  });

  it("rejects an init revision that is not in the fixture history", () => {
    const text = VALID.replace(
      "  revision_under_test: v1",
      "  repository_evolution: { history_fixture: h, revisions: [v1, v2] }\n  revision_under_test: v1",
    ).replace("action: { action: apply, mode: json }", "action: { action: init, revision: v3 }");
    expect(problems(text)[0]).toMatchObject({ field: "steps[0].action.revision", line: 18 });
  });

  it("reports YAML syntax errors with their line", () => {
    const p = problems(VALID.replace("title: Demo", "title: [Demo"));
    expect(p[0]?.line).toBeGreaterThanOrEqual(3);
    expect(p[0]?.file).toBe("s.yaml");
  });

  it("renders problems as file:line:col field: message (hint)", () => {
    expect(() => parseScenario(VALID.replace("    target: apply", "    target: nope"), "x/s.yaml")).toThrow(
      /x\/s\.yaml:21:13 assertions\[0\]\.target: names step "nope", which this scenario does not have \(use one of: apply\)/,
    );
  });

  it("says which file it cannot read", async () => {
    await expect(loadScenarioFile("/nonexistent/s.yaml")).rejects.toThrow(
      /\/nonexistent\/s\.yaml:1:1 cannot read/,
    );
  });
});
