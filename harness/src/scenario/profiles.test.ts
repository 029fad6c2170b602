import { describe, expect, it } from "vitest";
import { parseScenario } from "./loader.js";
import { resolvePolicy } from "./profiles.js";

const BASE = `scenario_id: p
title: t
description: d
scenario_classes: [convergence]
source: candidate
behavioral_claim: c
rationale: r
environment: { profile: single-blessed-vm }
fixtures: { repo_fixture: f, revision_under_test: v1 }
steps: [{ step_id: s, step_type: guest_command, command: "true" }]
assertions: [{ assertion_id: a, assertion_type: step_exit_code_is, target: s, expected_state: 0 }]
`;

describe("profiles", () => {
  it("resolves single-blessed-vm / standard / standard", () => {
    const p = resolvePolicy(parseScenario(BASE, "p.yaml").scenario);
    expect(p.environment).toMatchObject({ vcpus: 2, memoryMiB: 1024, diskOverlay: "disposable" });
    expect(p.timeouts.readinessMs).toBeGreaterThanOrEqual(180_000);
    expect(p.timeouts.perStepMs.guest_command).toBe(180_000);
    expect(p.artifacts.alwaysCollect).toContain("console-log");
  });

  it("merges policy overrides key by key", () => {
    const text = `${BASE}policy_overrides:
  timeouts:
    per_step_defaults: { guest_command: 5s }
    scenario_timeout: 2m
environment: { profile: single-blessed-vm, overrides: { memory_mib: 2048 } }
`.replace("environment: { profile: single-blessed-vm }\n", "");
    const p = resolvePolicy(parseScenario(text, "p.yaml").scenario);
    expect(p.timeouts.perStepMs.guest_command).toBe(5_000);
    expect(p.timeouts.perStepMs.coreops_action).toBe(300_000);
    expect(p.timeouts.scenarioMs).toBe(120_000);
    expect(p.timeouts.readinessMs).toBe(240_000);
    expect(p.environment.memoryMiB).toBe(2048);
    expect(p.environment.vcpus).toBe(2);
  });
});
