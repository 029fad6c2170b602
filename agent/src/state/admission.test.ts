import { describe, expect, it } from "vitest";
import { admit } from "./admission.js";
import { BACKOFF_CAP_MS, BACKOFF_FIRST_MS, backoffDelayMs, retryPolicyFromEnv } from "./quarantine.js";
import { type LastFailure, neverRunReconciliation, type Status } from "./status.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

function status(hold: Status["hold"], lastFailure: LastFailure | null = null): Status {
  return {
    schema_version: 2,
    controller: { version: "0.0.0", revision: "unknown", build_time: null, tree_state: "unknown" },
    desired_state: {
      repository: "/srv/repo",
      requested_ref: "main",
      last_observed_revision: A,
      last_observed_at: null,
    },
    reconciliation: neverRunReconciliation(),
    hold,
    inventory: [],
    last_failure: lastFailure,
  };
}
const held = (from: string | null) =>
  status({ held: true, rolled_back_from: from, reason: "rolled back", since: "2026-11-30T10:00:00Z" });

describe("admission (one decision for plan, apply, agent, status)", () => {
  it("goes without a hold", () => {
    expect(admit(null, A).decision).toBe("go");
    expect(admit(status(null), A).decision).toBe("go");
    expect(
      admit(status({ held: false, rolled_back_from: A, reason: "", since: "2026-11-30T10:00:00Z" }), A)
        .decision,
    ).toBe("go");
  });
  it("holds the commit that was rolled back from, and says how to release", () => {
    const a = admit(held(A), A);
    expect(a).toMatchObject({ decision: "held", rolled_back_from: A, since: "2026-11-30T10:00:00Z" });
    expect(a.message).toMatch(/^HELD since 2026-11-30T10:00:00Z: main resolves to aaaaaaaa/);
    expect(a.release_hint).toBe(
      "move main to another commit, or re-attach deliberately with: core-ops init /srv/repo main --force",
    );
  });
  it("releases once the ref resolves to a different commit", () => {
    expect(admit(held(A), B)).toMatchObject({ decision: "released", release_hint: null });
  });
  it("holds when the hold names no commit or the resolution is unknown", () => {
    expect(admit(held(null), B).decision).toBe("held");
    expect(admit(held(A), null).decision).toBe("held");
  });
});

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;
const FAILED_AT = "2026-11-30T10:00:00Z";
const at = (minutes: number) => new Date(Date.parse(FAILED_AT) + minutes * 60_000);

function failure(over: Partial<LastFailure> = {}): LastFailure {
  return {
    revision: A,
    finished_at: FAILED_AT,
    outcome: "non_converging",
    convergence_status: "repeated_failure",
    signature: "web.service=failed",
    attempt_count: 3,
    retry_budget: 3,
    failures: [],
    desired_digest: D1,
    failure_count: 1,
    ...over,
  };
}
describe("quarantine (one admission decision)", () => {
  it("quarantines the same content, names the failure and how to retry", () => {
    const a = admit(status(null, failure()), A, { contentDigest: D1, now: at(1) });
    expect(a.decision).toBe("quarantined");
    expect(a.message).toMatch(
      /^QUARANTINED: .*ended non_converging at 2026-11-30T10:00:00Z when applied as aaaaaaaa/,
    );
    expect(a.release_hint).toMatch(/core-ops apply --retry-failed/);
    expect(a.release_hint).toMatch(/core-ops init \/srv\/repo main --force/);
    expect(a.quarantine).toMatchObject({ revision: A, desired_digest: D1, failure_count: 1 });
  });
  it("covers another commit with the same content, and releases on different content", () => {
    expect(admit(status(null, failure()), B, { contentDigest: D1, now: at(1) }).decision).toBe("quarantined");
    const released = admit(status(null, failure()), A, { contentDigest: D2, now: at(1) });
    expect(released.decision).toBe("go");
    expect(released.quarantine?.desired_digest).toBe(D1);
  });
  it("without a known digest (status) the same commit is covered, another is not", () => {
    expect(admit(status(null, failure()), A, { now: at(1) }).decision).toBe("quarantined");
    expect(admit(status(null, failure()), B, { now: at(1) }).decision).toBe("go");
  });
  it("quarantines only non_converging and failed outcomes, and only records carrying a digest", () => {
    expect(
      admit(status(null, failure({ outcome: "failed" })), A, { contentDigest: D1, now: at(1) }).decision,
    ).toBe("quarantined");
    expect(
      admit(status(null, failure({ outcome: "partially_applied" })), A, { contentDigest: D1, now: at(1) })
        .decision,
    ).toBe("go");
    expect(
      admit(status(null, failure({ desired_digest: undefined })), A, { contentDigest: D1, now: at(1) })
        .decision,
    ).toBe("go");
  });
  it("--retry-failed goes once", () => {
    const a = admit(status(null, failure()), A, { contentDigest: D1, now: at(1), retryFailed: true });
    expect(a.decision).toBe("go");
    expect(a.message).toMatch(/--retry-failed/);
  });
  it("backoff: 15 min after the first failure (plus ≤10 % jitter), doubling, capped at 6 h", () => {
    const d1 = backoffDelayMs(1, D1);
    expect(d1).toBeGreaterThanOrEqual(BACKOFF_FIRST_MS);
    expect(d1).toBeLessThan(BACKOFF_FIRST_MS * 1.1);
    const d3 = backoffDelayMs(3, D1);
    expect(d3).toBeGreaterThanOrEqual(4 * BACKOFF_FIRST_MS);
    expect(d3).toBeLessThan(4 * BACKOFF_FIRST_MS * 1.1);
    const d20 = backoffDelayMs(20, D1);
    expect(d20).toBeGreaterThanOrEqual(BACKOFF_CAP_MS);
    expect(d20).toBeLessThan(BACKOFF_CAP_MS * 1.1);
    expect(backoffDelayMs(1, D1)).not.toBe(backoffDelayMs(1, D2)); // jitter differs by content
    const s = status(null, failure());
    expect(admit(s, A, { contentDigest: D1, now: at(14) }).decision).toBe("quarantined");
    expect(admit(s, A, { contentDigest: D1, now: at(17) }).decision).toBe("go");
    const third = status(null, failure({ failure_count: 3 }));
    expect(admit(third, A, { contentDigest: D1, now: at(59) }).decision).toBe("quarantined");
    expect(admit(third, A, { contentDigest: D1, now: at(67) }).decision).toBe("go");
  });
  it("policy never: no automatic retry, however long ago", () => {
    const a = admit(status(null, failure()), A, {
      contentDigest: D1,
      now: at(60 * 24 * 30),
      retryPolicy: "never",
    });
    expect(a.decision).toBe("quarantined");
    expect(a.quarantine?.next_retry_at).toBeNull();
    expect(a.message).toMatch(/CORE_OPS_RETRY_FAILED=never/);
  });
  it("a hold comes first; a released hold still honours the quarantine", () => {
    const hold = { held: true, rolled_back_from: A, reason: "rolled back", since: FAILED_AT };
    expect(admit(status(hold, failure()), A, { contentDigest: D1, now: at(1) }).decision).toBe("held");
    expect(admit(status(hold, failure()), B, { contentDigest: D1, now: at(1) }).decision).toBe("quarantined");
    expect(admit(status(hold, failure()), B, { contentDigest: D2, now: at(1) }).decision).toBe("released");
  });
  it("CORE_OPS_RETRY_FAILED: never | backoff (default); anything else is a typed usage error", () => {
    expect(retryPolicyFromEnv({})).toBe("backoff");
    expect(retryPolicyFromEnv({ CORE_OPS_RETRY_FAILED: "never" })).toBe("never");
    expect(() => retryPolicyFromEnv({ CORE_OPS_RETRY_FAILED: "always" })).toThrow(/CORE_OPS_RETRY_FAILED/);
  });
});
