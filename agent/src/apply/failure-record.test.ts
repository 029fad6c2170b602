import { describe, expect, it } from "vitest";
import type { DesiredState } from "../desired/model.js";
import { desiredTreeDigest } from "../state/desired-digest.js";
import { neverRunReconciliation, type Status } from "../state/status.js";
import { failureRecord } from "./failure-record.js";
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
});
