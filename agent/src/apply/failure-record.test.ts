import { describe, expect, it } from "vitest";
import type { DesiredState } from "../desired/model.js";
import { desiredTreeDigest } from "../state/desired-digest.js";
import { quarantineOf } from "../state/quarantine.js";
import { neverRunReconciliation, type Status } from "../state/status.js";
import { failureRecord, rollbackFailureRecord } from "./failure-record.js";
import type { ExecutionResult } from "./model.js";

const A = "a".repeat(40);
const desired = (text: string, revision = A): DesiredState => ({
  host: "h1",
  hostFile: "hosts/h1/host.yaml",
  services: ["web"],
  units: [
    {
      service: "web",
      fileName: "web.container",
      family: "quadlet",
      source: { layer: "base", path: "services/web/web.container" },
      text,
      dropIns: [],
    },
  ],
  companions: [],
  configs: [],
  source: { kind: "git", root: "/tmp/x", repository: "/srv/r", requestedRef: "main", revision },
});
const exec = {
  convergence: { status: "repeated_failure", attempt_count: 2, retry_budget: 3, attempts: [] },
} as unknown as ExecutionResult;
const prevWith = (lf: Status["last_failure"]): Status => ({
  schema_version: 2,
  controller: { version: "0", revision: "unknown", build_time: null, tree_state: "unknown" },
  desired_state: null,
  reconciliation: neverRunReconciliation(),
  hold: null,
  inventory: [],
  last_failure: lf,
});

describe("failure record", () => {
  it("digests the desired tree, not the commit id", () => {
    expect(desiredTreeDigest(desired("[Container]\n", A))).toBe(
      desiredTreeDigest(desired("[Container]\n", "b".repeat(40))),
    );
    expect(desiredTreeDigest(desired("[Container]\n"))).not.toBe(
      desiredTreeDigest(desired("[Container]\nX=1\n")),
    );
  });
  it("is null on convergence, and counts consecutive failures of the same content", () => {
    const base = { revision: A, exec, finishedAt: "2026-11-30T10:00:00Z", desired: desired("[Container]\n") };
    expect(failureRecord({ ...base, outcome: "converged", prev: null })).toBeNull();
    const first = failureRecord({ ...base, outcome: "non_converging", prev: null });
    expect(first).toMatchObject({ failure_count: 1, desired_digest: desiredTreeDigest(base.desired) });
    const second = failureRecord({ ...base, outcome: "non_converging", prev: prevWith(first) });
    expect(second?.failure_count).toBe(2);
    const other = failureRecord({
      ...base,
      desired: desired("[Container]\nX=1\n"),
      outcome: "failed",
      prev: prevWith(second),
    });
    expect(other?.failure_count).toBe(1);
  });

  it("a rollback never quarantines the snapshot it applied: the broken content stays quarantined", () => {
    const broken = failureRecord({
      revision: "b".repeat(40),
      exec,
      finishedAt: "2026-11-30T10:00:00Z",
      desired: desired("[Container]\nBroken=1\n", "b".repeat(40)),
      outcome: "non_converging",
      prev: null,
    });
    const snapshot = {
      revision: A,
      exec,
      finishedAt: "2026-11-30T10:05:00Z",
      desired: desired("[Container]\n"),
    };
    for (const outcome of ["non_converging", "failed", "converged"] as const) {
      const after = rollbackFailureRecord({ ...snapshot, outcome, prev: prevWith(broken) });
      expect(after).toEqual(broken);
      expect(quarantineOf(after, "never")?.desired_digest).toBe(broken?.desired_digest);
    }
    // Nothing failed before: the rollback's own failure is recorded, without a digest, so nothing is quarantined.
    const alone = rollbackFailureRecord({ ...snapshot, outcome: "non_converging", prev: null });
    expect(alone).toMatchObject({ revision: A, outcome: "non_converging", attempt_count: 2 });
    expect(alone?.desired_digest).toBeUndefined();
    expect(quarantineOf(alone, "never")).toBeNull();
    expect(rollbackFailureRecord({ ...snapshot, outcome: "converged", prev: null })).toBeNull();
  });
});
