/**
 * Named environment and policy profiles keep scenarios short. A scenario
 * names `single-blessed-vm` / `standard` / `standard`; `environment.overrides` and `policy_overrides`
 * change single keys and everything else comes from the profile (merged key by key).
 */
import { durationMs } from "./duration.js";
import { type ARTIFACT_NAMES, type Scenario, STEP_TYPES, type StepType } from "./schema.js";

export interface EnvironmentProfile {
  name: "single-blessed-vm";
  vcpus: number;
  memoryMiB: number;
  diskOverlay: "disposable";
  readiness: "serial-console";
  /** What bring-up confirms before the first step (`environment.overrides.readiness_checks`). */
  readinessChecks: ("serial-console" | "ssh-ready")[];
  /** How the harness reaches the guest; `default-ssh` is the only profile. */
  connectionProfile: "default-ssh";
  /** A cached image to boot instead of the hypervisor's default (`environment.overrides.image_version`). */
  imageVersion?: string;
  network: "isolated";
}

export interface TimeoutProfile {
  name: "standard";
  perStepMs: Record<StepType, number>;
  scenarioMs: number;
  /** A boot takes 35–45 s under TCG here, longer when other guests share the cores. */
  readinessMs: number;
}

export type ArtifactName = (typeof ARTIFACT_NAMES)[number];

export interface ArtifactProfile {
  name: "standard";
  alwaysCollect: ArtifactName[];
  collectOnFailure: ArtifactName[];
  retainEnvironmentInDebug: boolean;
  exportFormat: "directory";
}

export const ENVIRONMENT_PROFILES: Record<"single-blessed-vm", EnvironmentProfile> = {
  "single-blessed-vm": {
    name: "single-blessed-vm",
    vcpus: 2,
    memoryMiB: 1024,
    diskOverlay: "disposable",
    readiness: "serial-console",
    readinessChecks: ["serial-console"],
    connectionProfile: "default-ssh",
    network: "isolated",
  },
};

export const TIMEOUT_PROFILES: Record<"standard", TimeoutProfile> = {
  standard: {
    name: "standard",
    perStepMs: {
      boot: 300_000,
      wait_ready: 240_000,
      coreops_action: 300_000,
      guest_command: 180_000,
      mutate_state: 180_000,
      reboot: 300_000,
    },
    scenarioMs: 1_200_000,
    readinessMs: 240_000,
  },
};

export const ARTIFACT_PROFILES: Record<"standard", ArtifactProfile> = {
  standard: {
    name: "standard",
    alwaysCollect: [
      "scenario-definition",
      "harness-log",
      "console-log",
      "coreops-output",
      "assertion-results",
      "readiness-evidence",
      "timeline",
    ],
    collectOnFailure: ["journal-excerpts", "explain-output", "relevant-files"],
    retainEnvironmentInDebug: true,
    exportFormat: "directory",
  },
};

export interface ResolvedPolicy {
  environment: EnvironmentProfile;
  timeouts: TimeoutProfile;
  artifacts: ArtifactProfile;
}

export function resolvePolicy(scenario: Scenario): ResolvedPolicy {
  const env = { ...ENVIRONMENT_PROFILES[scenario.environment.profile] };
  const o = scenario.environment.overrides;
  if (o?.vcpus !== undefined) env.vcpus = o.vcpus;
  if (o?.memory_mib !== undefined) env.memoryMiB = o.memory_mib;
  if (o?.readiness_checks !== undefined) env.readinessChecks = [...o.readiness_checks];
  if (o?.connection_profile !== undefined) env.connectionProfile = o.connection_profile;
  if (o?.image_version !== undefined) env.imageVersion = o.image_version;

  const p = scenario.policy_overrides;
  const base = TIMEOUT_PROFILES[p?.timeout_profile ?? "standard"];
  const perStepMs = { ...base.perStepMs };
  const perStep = p?.timeouts?.per_step_defaults ?? {};
  for (const type of STEP_TYPES) {
    const d = perStep[type];
    if (d !== undefined) perStepMs[type] = durationMs(d);
  }
  const t = p?.timeouts;
  const timeouts: TimeoutProfile = {
    name: base.name,
    perStepMs,
    scenarioMs: t?.scenario_timeout === undefined ? base.scenarioMs : durationMs(t.scenario_timeout),
    readinessMs: t?.readiness_timeout === undefined ? base.readinessMs : durationMs(t.readiness_timeout),
  };

  const a = ARTIFACT_PROFILES[p?.artifact_profile ?? "standard"];
  const ap = p?.artifact_policy;
  const artifacts: ArtifactProfile = {
    name: a.name,
    alwaysCollect: ap?.always_collect ?? a.alwaysCollect,
    collectOnFailure: ap?.collect_on_failure ?? a.collectOnFailure,
    retainEnvironmentInDebug: ap?.retain_environment_in_debug ?? a.retainEnvironmentInDebug,
    exportFormat: "directory",
  };
  return { environment: env, timeouts, artifacts };
}
