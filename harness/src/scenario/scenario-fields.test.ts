/** Every scenario field has an effect or is rejected with a message naming it (scenarios/README.md). */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioLoadError } from "./errors.js";
import { parseScenario } from "./loader.js";
import { resolvePolicy } from "./profiles.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const REPOS = join(ROOT, "repos");

const scenario = (extra: {
  env?: string;
  fixtures?: string;
  steps?: string;
  policy?: string;
}) => `scenario_id: p
title: t
description: d
scenario_classes: [convergence]
source: candidate
behavioral_claim: c
rationale: r
environment: { profile: single-blessed-vm${extra.env ?? ""} }
fixtures:
  repo_fixture: frontend-history
  repository_evolution: { history_fixture: frontend-history, revisions: [v1, v2] }
  revision_under_test: v1
${extra.fixtures ?? ""}
steps:
  - { step_id: init, step_type: coreops_action, action: { action: init, revision: main } }
${extra.steps ?? ""}
assertions: [{ assertion_id: a, assertion_type: step_exit_code_is, target: init, expected_state: 0 }]
${extra.policy ?? ""}
`;

function rejection(text: string): string {
  try {
    parseScenario(text, "p.yaml", { reposRoot: REPOS });
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioLoadError);
    return (err as Error).message;
  }
  throw new Error("the scenario was accepted");
}

describe("target: harness steps", () => {
  it("accepts a structured move_ref and add_revision, and a placeholder of the added revision", () => {
    const text = scenario({
      steps: `  - { step_id: move, step_type: mutate_state, target: harness, harness_operation: { operation: move_ref, ref: main, revision: v2 } }
  - { step_id: add, step_type: mutate_state, target: harness, harness_operation: { operation: add_revision, revision: v3, tree: frontend-history/v1 } }
  - { step_id: show, step_type: guest_command, command: "true" }`,
    }).replace(
      "assertions: [",
      `assertions: [{ assertion_id: b, assertion_type: step_stdout_contains, target: add, expected_state: '\${fixture.v3}' }, `,
    );
    const { scenario: s } = parseScenario(text, "p.yaml", { reposRoot: REPOS });
    expect(s.steps[2]?.harness_operation).toEqual({
      operation: "add_revision",
      revision: "v3",
      tree: "frontend-history/v1",
      ref: "main",
    });
  });

  it("rejects a shell command on the harness, naming the field and what to use", () => {
    const message = rejection(
      scenario({
        steps: `  - { step_id: sh, step_type: mutate_state, target: harness, command: "git push" }`,
      }),
    );
    expect(message).toMatch(/steps\[1\]\.command.*runs no shell command on the CI host/s);
    expect(message).toContain("harness_operation: {operation: move_ref");
  });

  it("rejects a harness_operation without target: harness, and a harness step of another type", () => {
    expect(
      rejection(
        scenario({
          steps: `  - { step_id: m, step_type: mutate_state, harness_operation: { operation: move_ref, ref: main, revision: v2 } }`,
        }),
      ),
    ).toMatch(/has a `harness_operation` but target guest/);
    expect(
      rejection(
        scenario({
          steps: `  - { step_id: m, step_type: guest_command, target: harness, harness_operation: { operation: move_ref, ref: main, revision: v2 } }`,
        }),
      ),
    ).toMatch(/target: harness only applies to mutate_state steps, not guest_command/);
  });

  it("rejects a move to a revision the fixture does not have, and an add_revision tree that does not exist", () => {
    expect(
      rejection(
        scenario({
          steps: `  - { step_id: m, step_type: mutate_state, target: harness, harness_operation: { operation: move_ref, ref: main, revision: v9 } }`,
        }),
      ),
    ).toMatch(/revision "v9" is not one of the fixture's revisions/);
    expect(
      rejection(
        scenario({
          steps: `  - { step_id: m, step_type: mutate_state, target: harness, harness_operation: { operation: add_revision, revision: v3, tree: frontend-history/v7 } }`,
        }),
      ),
    ).toMatch(/harness_operation\.tree.*repos\/frontend-history\/v7 does not exist/s);
  });
});

describe("environment overrides, inputs and artifact policy", () => {
  it("resolves readiness checks, connection profile and image version into the policy", () => {
    const { scenario: s } = parseScenario(
      scenario({
        env: ", overrides: { readiness_checks: [serial-console, ssh-ready], connection_profile: default-ssh, image_version: 7bf975ac }",
      }),
      "p.yaml",
      { reposRoot: REPOS },
    );
    const p = resolvePolicy(s);
    expect(p.environment.readinessChecks).toEqual(["serial-console", "ssh-ready"]);
    expect(p.environment.connectionProfile).toBe("default-ssh");
    expect(p.environment.imageVersion).toBe("7bf975ac");
    const plain = resolvePolicy(parseScenario(scenario({}), "p.yaml", { reposRoot: REPOS }).scenario);
    expect(plain.environment.readinessChecks).toEqual(["serial-console"]);
    expect(plain.environment.imageVersion).toBeUndefined();
  });

  it("rejects readiness checks without the readiness record, and another connection profile", () => {
    expect(rejection(scenario({ env: ", overrides: { readiness_checks: [ssh-ready] }" }))).toMatch(
      /readiness_checks.*must include serial-console/s,
    );
    expect(rejection(scenario({ env: ", overrides: { connection_profile: winrm }" }))).toMatch(
      /connection_profile/,
    );
  });

  it("rejects always_collect: explain-output, saying what to use instead", () => {
    const message = rejection(
      scenario({ policy: "policy_overrides: { artifact_policy: { always_collect: [explain-output] } }" }),
    );
    expect(message).toMatch(/always_collect cannot name explain-output/);
    expect(message).toContain("coreops_action step with action explain");
  });

  it("checks config_inputs and test_data against repos/ when the file is loaded", () => {
    expect(
      rejection(
        scenario({ fixtures: "  config_inputs: [frontend-history/nope]" }).replace(
          "  revision_under_test: v1\n\n",
          "  revision_under_test: v1\n",
        ),
      ),
    ).toMatch(/fixtures\.config_inputs\[0\].*does not exist/s);
    expect(rejection(scenario({ fixtures: "  test_data: [../etc/passwd]" }))).toMatch(/test_data/);
    const ok = parseScenario(scenario({ fixtures: "  test_data: [frontend-history/v1]" }), "p.yaml", {
      reposRoot: REPOS,
    });
    expect(ok.scenario.fixtures.test_data).toEqual(["frontend-history/v1"]);
  });
});
